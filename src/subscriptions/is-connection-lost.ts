import { EventfoldError } from '../core/errors.js';

/**
 * Whether `error` (or one of its causes) is an eventfold error whose
 * `connectionLost` is set (a `DatabaseError`, or a broker's
 * `BrokerUnavailableError`): the connection failed, not the handler, so the
 * subscription retries its batch with backoff and never parks the event.
 *
 * @internal
 */
export function isConnectionLost(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (lostConnection(current)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The error with `connectionLost` found in `error`'s causes (see {@link isConnectionLost}), else `error`. */
export function connectionLossOf(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (lostConnection(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return error;
}

function lostConnection(error: object): boolean {
  return (
    EventfoldError.is(error) && (error as { connectionLost?: unknown }).connectionLost === true
  );
}
