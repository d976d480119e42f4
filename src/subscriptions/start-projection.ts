import type { EventStore } from '../core/event-store.js';
import { checkOption } from '../core/options.js';
import type { RecordedEvent } from '../core/events.js';
import { projectionTypes, type Projection } from './projection.js';
import { Subscription } from './subscription.js';
import type { SubscriptionOptions } from './subscription-options.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
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
 *
 * @example
 * ```ts
 * await using running = startProjection(sqliteStore, taskList); // the store's own storage
 * await running.caughtUp;
 * await running.rebuild(); // reset the read model and replay, while writers go on
 * ```
 */
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
  projection: Projection<Tx>,
  options: StoreProjectionOptions<Tx> = {},
): Subscription<Tx> {
  checkOption.object('options', options);
  const { handlers, reset } = projection;
  return new Subscription<Tx>(
    store,
    {
      ...options,
      name: projection.name,
      types: projectionTypes(projection),
      ...(projection.categories === undefined || options.categories !== undefined
        ? {}
        : { categories: projection.categories }),
    },
    {
      inTransaction: true,
      apply: (event: RecordedEvent, tx) => handlers[event.type]?.(event, tx as Tx),
      reset,
    },
  ).start();
}
