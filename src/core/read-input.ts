import { ValidationError } from './errors.js';

/**
 * Runs `read`, which reads a caller's input; anything it throws but a
 * {@link ValidationError} (a getter, a Proxy trap) becomes a ValidationError naming `at`.
 *
 * @internal
 * @example
 * ```ts
 * const type = readInput(() => event.type, 'events[0]');
 * ```
 */
export function readInput<T>(read: () => T, at: string): T {
  try {
    return read();
  } catch (error) {
    if (isValidationError(error)) throw error;
    throw new ValidationError(`Invalid ${at}: reading it threw (${describeThrown(error)})`);
  }
}

/** Whether `error` is a {@link ValidationError}, without trusting it (a Proxy's traps may throw). */
function isValidationError(error: unknown): boolean {
  try {
    return error instanceof ValidationError;
  } catch {
    return false;
  }
}

/**
 * The message of something thrown, at most 200 characters, without trusting
 * it (its getters or Proxy traps may throw too).
 *
 * @internal
 * @example
 * ```ts
 * describeThrown(new Error('boom')); // 'boom'
 * ```
 */
export function describeThrown(error: unknown): string {
  try {
    return String(error instanceof Error ? error.message : error).slice(0, 200);
  } catch {
    return 'an error that cannot be shown';
  }
}
