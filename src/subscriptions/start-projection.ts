import type { EventStore } from '../core/event-store.js';
import { checkOption } from '../core/options.js';
import { projectionApplier } from './batch-applier.js';
import { projectionTypes, type Projection } from './projection.js';
import { Subscription } from './subscription.js';
import { GroupSubscription } from './group-subscription.js';
import { isRebalancingGroup, type RebalancingGroupOptions } from './rebalancing-group.js';
import type { SubscriptionOptions } from './subscription-options.js';
import type {
  AnySubscriptionStorage,
  SubscriptionStorage,
} from '../core/contracts/subscription-storage.js';
import { documentApplier, documentsIn } from './documents/document-applier.js';
import { isDocumentProjection, type DocumentProjection } from './documents/document-projection.js';
import type { EventApplier } from './event-applier.js';
import type { SubscriptionStorageProvider } from '../core/contracts/subscription-storage-provider.js';

/** Options of `startProjection`: the subscription options but name and types, which come from the projection. */
export interface ProjectionOptions<Tx> extends Omit<SubscriptionOptions<Tx>, 'name' | 'types'> {
  /** Where the checkpoint lives; its transactions are what the handlers get. */
  storage: SubscriptionStorage<Tx>;
}

/**
 * Options of `startProjection` on a store with a subscription storage
 * of its own (SQLite, PostgreSQL): `storage` may be left out, and the
 * projection then runs in the store's own transactions.
 */
export interface StoreProjectionOptions<Tx> extends Omit<ProjectionOptions<Tx>, 'storage'> {
  /** Where the checkpoint lives (default: the store's own storage, on its database). */
  storage?: SubscriptionStorage<Tx>;
}

/**
 * Options of `startProjection` for a document projection: the subscription
 * options but name and types; `storage` (default: the store's own, or one
 * in-memory storage per in-memory store) must have document collections.
 */
export interface DocumentProjectionOptions extends Omit<
  SubscriptionOptions<unknown>,
  'name' | 'types' | 'storage'
> {
  /** Where the checkpoint and the documents live (a storage of any backend with `documents`). */
  storage?: AnySubscriptionStorage;
}

/**
 * Starts a projection: a subscription to the event types it has handlers for,
 * whose handlers run inside the storage's transaction with the checkpoint
 * write. On a storage with `atomicReadModels` (SQLite, PostgreSQL) with the
 * read model in the same database, each batch's read-model changes and
 * checkpoint commit together: every event is applied exactly once, across
 * crashes. The storage's `Tx` must be the projection's: a projection whose
 * handlers may return promises does not compile with a synchronous storage.
 * Without `storage`, a SQLite or PostgreSQL store's own storage is used (the
 * projection's `Tx` must then be the store's: `SqliteTransaction`, a `pg`
 * `PoolClient`); on the in-memory store, one in-memory storage per store.
 * With a rebalancing `group: { partitions }`, it joins that group and
 * returns a {@link GroupSubscription} running this member's partitions.
 *
 * @example
 * ```ts
 * await using running = startProjection(sqliteStore, taskList); // the store's own storage
 * await running.caughtUp;
 * await running.rebuild(); // reset the read model and replay, while writers go on
 * ```
 */
export function startProjection(
  store: EventStore,
  projection: DocumentProjection,
  options: DocumentProjectionOptions & { group: RebalancingGroupOptions },
): GroupSubscription;
/** Starts a projection as a member of a rebalancing group, on a store with a storage of its own. */
export function startProjection<Tx>(
  store: EventStore & SubscriptionStorageProvider<Tx>,
  projection: Projection<Tx>,
  options: StoreProjectionOptions<Tx> & { group: RebalancingGroupOptions },
): GroupSubscription<Tx>;
/** Starts a projection as a member of a rebalancing group, with the storage it names. */
export function startProjection<Tx>(
  store: EventStore,
  projection: Projection<Tx>,
  options: ProjectionOptions<Tx> & { group: RebalancingGroupOptions },
): GroupSubscription<Tx>;
/** Starts a document projection (see the overload of a projection of `Tx` below). */
export function startProjection(
  store: EventStore,
  projection: DocumentProjection,
  options?: DocumentProjectionOptions,
): Subscription;
/** Starts a projection on a store with a storage of its own (see the first overload). */
export function startProjection<Tx>(
  store: EventStore & SubscriptionStorageProvider<Tx>,
  projection: Projection<Tx>,
  options?: StoreProjectionOptions<Tx>,
): Subscription<Tx>;
/** Starts a projection on a store, with the storage it names (see the overload above). */
export function startProjection<Tx>(
  store: EventStore,
  projection: Projection<Tx>,
  options: ProjectionOptions<Tx>,
): Subscription<Tx>;
export function startProjection<Tx>(
  store: EventStore,
  projection: Projection<Tx> | DocumentProjection,
  options: StoreProjectionOptions<Tx> | DocumentProjectionOptions = {},
): Subscription<Tx> | GroupSubscription<Tx> {
  checkOption.object('options', options);
  let types: string[];
  let applier: EventApplier<Tx>;
  if (isDocumentProjection(projection)) {
    if (options.storage !== undefined) documentsIn(options.storage);
    types = Object.keys(projection.handlers).filter((t) => projection.handlers[t] !== undefined);
    applier = documentApplier(projection) as EventApplier<Tx>;
  } else {
    types = projectionTypes(projection);
    applier = projectionApplier(projection);
  }
  const subscriptionOptions = {
    ...(options as StoreProjectionOptions<Tx>),
    name: projection.name,
    types,
    ...(projection.categories === undefined || options.categories !== undefined
      ? {}
      : { categories: projection.categories }),
  };
  const { group } = subscriptionOptions;
  if (isRebalancingGroup(group)) {
    return new GroupSubscription<Tx>(store, { ...subscriptionOptions, group }, applier).start();
  }
  return new Subscription<Tx>(store, subscriptionOptions, applier).start();
}
