import { InMemoryEventStore } from '../../../src/index.js';
import { InMemorySubscriptionStorage } from '../../../src/subscriptions/index.js';
import type { SubscriptionBackend } from './backend.js';
import { mapReadModel } from './map-read-model.js';

/** The in-memory store with in-memory storage; the read model is a map per projection. */
export const memoryBackend: SubscriptionBackend<undefined> = {
  label: 'memory',
  leasesExpire: true,
  capabilities: { atomicReadModels: false, synchronousTransactions: false },
  open: () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    const readModel = mapReadModel();
    return Promise.resolve({
      store,
      storage,
      readModel,
      close: () => store.close(),
      openPeer: () => Promise.resolve({ store, storage, close: () => Promise.resolve() }),
      ghostLease: async (name, ttlMs, holder = 'ghost') => {
        await storage.leases.tryAcquire(name, holder, ttlMs);
        return () => Promise.resolve();
      },
    });
  },
};
