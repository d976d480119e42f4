import { checkGroup, subscriptionNames } from './consumer-group.js';
import type { Projection } from './projection.js';
import type { SubscriptionStorage, TransactionOutcome } from '../core/contracts/subscription-storage.js';
import { isPromiseLike } from '../core/is-promise-like.js';

/**
 * Resets a projection for a rebuild, from any process: in one transaction,
 * runs its `reset` hook and moves its checkpoint (each member's, with
 * `members` for a consumer group) back to the start, clearing its dead
 * letters. Running instances notice at their next commit and start over.
 *
 * @example
 * ```ts
 * await resetProjection(new SqliteSubscriptionStorage(store), taskList);
 * ```
 */
export async function resetProjection<Tx>(
  storage: SubscriptionStorage<Tx>,
  projection: Projection<Tx>,
  options: { members?: number } = {},
): Promise<void> {
  if (options.members !== undefined) checkGroup({ members: options.members, member: 0 });
  const names = subscriptionNames(projection.name, options.members);
  const [first, ...others] = names as [string, ...string[]];
  const outcome: TransactionOutcome = { reset: names };
  await storage.transaction({ name: first, alsoLocks: others }, (tx) => {
    const result = projection.reset?.(tx);
    return isPromiseLike(result) ? Promise.resolve(result).then(() => outcome) : outcome;
  });
}
