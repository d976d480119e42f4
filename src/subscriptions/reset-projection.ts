import { checkOption } from '../core/options.js';
import type {
  AnySubscriptionStorage,
  SubscriptionStorage,
} from '../core/contracts/subscription-storage.js';
import { documentApplier } from './documents/document-applier.js';
import type { EventApplier } from './event-applier.js';
import { isDocumentProjection, type DocumentProjection } from './documents/document-projection.js';
import { subscriptionNames } from './consumer-group.js';
import type { Projection } from './projection.js';
import { outcomeAfter, runInTransaction } from './run-in-transaction.js';

/**
 * Resets a projection for a rebuild, from any process: in one transaction,
 * runs its `reset` hook and moves its checkpoint (each member's, with
 * `members` for a consumer group) back to the start, clearing its dead
 * letters. Running instances notice at their next commit and start over.
 * A document projection's collections are emptied.
 *
 * @example
 * ```ts
 * await resetProjection(new SqliteSubscriptionStorage(store), taskList);
 * ```
 */
export async function resetProjection(
  storage: AnySubscriptionStorage,
  projection: DocumentProjection,
  options?: { members?: number },
): Promise<void>;
/** Resets a projection of `Tx` (see the first overload); its `reset` hook clears the read model. */
export async function resetProjection<Tx>(
  storage: SubscriptionStorage<Tx>,
  projection: Projection<Tx>,
  options?: { members?: number },
): Promise<void>;
export async function resetProjection<Tx>(
  storage: SubscriptionStorage<Tx>,
  projection: Projection<Tx> | DocumentProjection,
  options: { members?: number } = {},
): Promise<void> {
  checkOption.object('options', options);
  checkOption.integer('members', options.members, 1);
  const names = subscriptionNames(projection.name, options.members);
  const reset = isDocumentProjection(projection)
    ? (documentApplier(projection) as EventApplier<Tx>).reset
    : projection.reset;
  await resetInTransaction(storage, names[0] as string, names, reset);
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
  reset: ((tx: Tx, storage: SubscriptionStorage<Tx>) => unknown) | undefined,
): Promise<void> {
  const outcome = { reset: names };
  return runInTransaction(
    storage,
    { name, alsoLocks: names.filter((other) => other !== name) },
    (tx) => outcomeAfter(reset?.(tx, storage), outcome),
  );
}
