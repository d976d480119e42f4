import { DatabaseError } from '../core/errors.js';

/**
 * Whether `error` (or one of its causes) is a {@link DatabaseError} whose
 * `connectionLost` is set: the connection failed, not the handler, so the
 * subscription retries its batch with backoff and never parks the event.
 *
 * @internal
 */
export function isConnectionLost(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (DatabaseError.is(current) && current.connectionLost) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The {@link DatabaseError} with `connectionLost` found in `error`'s causes (see {@link isConnectionLost}), else `error`. */
export function connectionLossOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (DatabaseError.is(current) && current.connectionLost) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}
