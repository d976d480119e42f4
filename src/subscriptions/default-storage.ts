import { InvalidOptionError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import {
  createSubscriptionStorage,
  isSubscriptionStorageProvider,
} from '../core/contracts/subscription-storage-provider.js';
import { InMemorySubscriptionStorage } from './in-memory-subscription-storage.js';

/** The in-memory storage of each store without one of its own, shared by its subscriptions. */
const inMemory = new WeakMap<EventStore, InMemorySubscriptionStorage>();

/** A storage a subscription uses, and whether the subscription must close it when it stops. */
export interface DefaultStorage<Tx> {
  readonly storage: SubscriptionStorage<Tx>;
  /** Closes the storage if the subscription created it and it has something to close. */
  readonly close: () => Promise<void>;
}

/**
 * The storage a subscription uses: `given`, else (started without `storage`) the store's own
 * (`[createSubscriptionStorage]()`, on the same database: SQLite, PostgreSQL);
 * for a store that is not durable and has none (the in-memory store), one
 * in-memory storage per store, shared by its subscriptions. A durable store
 * without one is an `InvalidOptionError`: a checkpoint in memory would make
 * every restart handle everything again.
 *
 * @internal
 */
export function storageOf<Tx>(
  store: EventStore,
  given: SubscriptionStorage<Tx> | undefined,
): DefaultStorage<Tx> {
  if (given !== undefined) return { storage: given, close: () => Promise.resolve() };
  if (isSubscriptionStorageProvider(store)) {
    const storage = store[createSubscriptionStorage]() as SubscriptionStorage<Tx>;
    const closable = storage as Partial<{ close(): Promise<void> }>;
    return {
      storage,
      close: async () => {
        if (typeof closable.close === 'function') await closable.close();
      },
    };
  }
  if (store.capabilities.durable) {
    throw new InvalidOptionError(
      'storage',
      undefined,
      'a SubscriptionStorage: this store is durable but offers no subscription storage of its own, and a checkpoint kept in memory would be lost on restart',
    );
  }
  let storage = inMemory.get(store);
  if (storage === undefined) {
    storage = new InMemorySubscriptionStorage();
    inMemory.set(store, storage);
  }
  return {
    storage: storage as unknown as SubscriptionStorage<Tx>,
    close: () => Promise.resolve(),
  };
}
