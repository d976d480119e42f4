import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../core/contracts/subscription-storage.js';
import type { TransactionResult } from '../core/contracts/synchronous-transaction.js';
import { isPromiseLike } from '../core/is-promise-like.js';

/**
 * Runs the engine's `work` in a transaction of `storage`. The
 * engine's work is value-or-promise: it returns a promise only when a handler
 * or reset hook did, which the handler types of a `Synchronous` `Tx` rule out
 * (and a synchronous storage still refuses at run time), so it fits every storage.
 *
 * @internal
 */
export function runInTransaction<Tx>(
  storage: SubscriptionStorage<Tx>,
  scope: TransactionScope,
  work: (tx: Tx) => TransactionOutcome | Promise<TransactionOutcome>,
): Promise<void> {
  return storage.transaction(scope, work as (tx: Tx) => TransactionResult<Tx, TransactionOutcome>);
}

/** `outcome` once `result` (what a handler or hook returned) settles: at once unless it is a promise. */
export function outcomeAfter(
  result: unknown,
  outcome: TransactionOutcome,
): TransactionOutcome | Promise<TransactionOutcome> {
  return isPromiseLike(result) ? Promise.resolve(result).then(() => outcome) : outcome;
}
