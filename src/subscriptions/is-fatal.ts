import { StoreClosedError, ValidationError } from '../core/errors.js';
import { SynchronousTransactionError } from '../core/contracts/synchronous-transaction-error.js';
import { HandlerFailedError } from './handler-failed-error.js';

/**
 * Whether `error` ends a subscription as `'failed'`: the handler
 * gave up with `onFailure: 'stop'`, the store is closed, or a programming
 * error (bad input, a promise returned into a synchronous transaction). Any
 * other error (the storage's, the feed's) is retried.
 *
 * @internal
 */
export function isFatal(error: unknown): boolean {
  return (
    HandlerFailedError.is(error) ||
    StoreClosedError.is(error) ||
    ValidationError.is(error) ||
    SynchronousTransactionError.is(error)
  );
}
