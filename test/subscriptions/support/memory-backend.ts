import { InMemoryEventStore } from '../../../src/index.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  type Projection,
} from '../../../src/subscriptions/index.js';
import type { ReadModel, StreamRow, SubscriptionBackend } from './backend.js';

/** The in-memory store with in-memory storage; the read model is a map per projection. */
export const memoryBackend: SubscriptionBackend<undefined> = {
  label: 'memory',
  leasesExpire: true,
  capabilities: { atomicReadModels: false, synchronousTransactions: false },
  open: () => {
    const store = new InMemoryEventStore();
    const storage = new InMemorySubscriptionStorage();
    const tables = new Map<string, Map<string, StreamRow>>();
    const readModel: ReadModel<undefined> = {
      projection: (name, options = {}): Promise<Projection> => {
        const table = new Map<string, StreamRow>();
        tables.set(name, table);
        const apply = (e: { streamId: string; version: number }) => {
          const row = table.get(e.streamId);
          table.set(e.streamId, { version: e.version, count: (row?.count ?? 0) + 1 });
        };
        const types = options.types ?? ['Created', 'Renamed'];
        return Promise.resolve(
          defineProjection({
            name,
            handlers: Object.fromEntries(types.map((t) => [t, apply])),
            reset: () => table.clear(),
          }),
        );
      },
      rows: (name) => Promise.resolve(new Map(tables.get(name))),
    };
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
