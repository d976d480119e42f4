import { checkOption } from '../core/options.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { subscriptionNames } from './consumer-group.js';
import type { Projection } from './projection.js';
import { outcomeAfter, runInTransaction } from './run-in-transaction.js';

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
  checkOption.object('options', options);
  checkOption.integer('members', options.members, 1);
  const names = subscriptionNames(projection.name, options.members);
  await resetInTransaction(storage, names[0] as string, names, projection.reset);
}

/**
 * The rebuild transaction (internal; `resetProjection` and
 * `Subscription.rebuild` run it): in one transaction of subscription `name`,
 * runs `reset` and sends every one of `names` back to the start, clearing
 * their dead letters; the others of `names` are locked too.
 */
export function resetInTransaction<Tx>(
  storage: SubscriptionStorage<Tx>,
  name: string,
  names: readonly string[],
  reset: ((tx: Tx) => unknown) | undefined,
): Promise<void> {
  const outcome = { reset: names };
  return runInTransaction(
    storage,
    { name, alsoLocks: names.filter((other) => other !== name) },
    (tx) => outcomeAfter(reset?.(tx), outcome),
  );
}
