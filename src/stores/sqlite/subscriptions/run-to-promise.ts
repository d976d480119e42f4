import { EventfoldError } from '../../../core/errors.js';
import { toDatabaseError } from '../sqlite-database-error.js';

/**
 * Runs the synchronous `fn` now and returns a promise of its result: a throw
 * becomes the rejection, a driver error as a `DatabaseError` naming `action`.
 * eventfold's own errors, and those `passThrough` accepts, reject unchanged.
 */
export function runToPromise<T>(
  action: string,
  fn: () => T,
  passThrough: (error: unknown) => boolean = () => false,
): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(
      EventfoldError.is(error) || passThrough(error)
        ? (error as Error)
        : toDatabaseError(error, action),
    );
  }
}
