import type { SubscriptionStorage } from './subscription-storage.js';

/**
 * The key of the method by which a store creates its own subscription
 * storage (for backend authors): a subscription or projection started
 * without a `storage` option calls it, so its checkpoints live where the
 * events do. A registered symbol (`Symbol.for`), so two copies of the package
 * agree on it.
 *
 * @example
 * ```ts
 * class MyEventStore extends EventStoreKernel<number> implements SubscriptionStorageProvider<MyTx> {
 *   [createSubscriptionStorage](): MySubscriptionStorage {
 *     return new MySubscriptionStorage(this);
 *   }
 * }
 * ```
 */
export const createSubscriptionStorage: unique symbol = Symbol.for(
  'eventfold.createSubscriptionStorage',
);

/**
 * A store that keeps subscription state of its own (the SQLite and PostgreSQL
 * stores): `[createSubscriptionStorage]()` returns a storage on the store's
 * database, which subscriptions started without `storage` use. The caller
 * owns what it gets: a subscription closes that storage (when it has a
 * `close()`) as it stops, so a store returns the same storage to every caller
 * only when that storage holds nothing to close.
 */
export interface SubscriptionStorageProvider<Tx = unknown> {
  /** Creates (or shares, when it holds nothing to close) a subscription storage on this store's database. */
  [createSubscriptionStorage](): SubscriptionStorage<Tx>;
}

/** Whether `store` offers a subscription storage of its own. */
export function isSubscriptionStorageProvider(
  store: unknown,
): store is SubscriptionStorageProvider {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Partial<SubscriptionStorageProvider>)[createSubscriptionStorage] === 'function'
  );
}
