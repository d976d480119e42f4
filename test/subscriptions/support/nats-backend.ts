/**
 * The NATS backend of the shared subscription cases: a `NatsEventStore` and
 * its `NatsSubscriptionStorage` (key-value buckets named after the stream);
 * the read model is a map per projection (the storage has no transaction for
 * read models). A peer is a second store and storage on their own
 * connection, as another process would open them.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { NatsEventStore, NatsSubscriptionStorage } from '../../../src/stores/nats/index.js';
import type { Opened, SubscriptionBackend } from './backend.js';
import { mapReadModel } from './map-read-model.js';

/** What the backend needs of the test file's NATS server. */
export interface NatsBackendServer {
  /** The file's connection. */
  connection(): NatsConnection;
  /** Another connection, closed after the file. */
  connectAnother(): Promise<NatsConnection>;
  /** A unique stream name, dropped (with its buckets) after the file. */
  uniqueStream(): string;
}

async function openOn(connection: NatsConnection, stream: string): Promise<Opened<undefined>> {
  const store = await NatsEventStore.connect({ connection, stream });
  const storage = new NatsSubscriptionStorage(connection, { prefix: stream });
  return {
    store,
    storage,
    close: async () => {
      await storage.close();
      await store.close();
    },
  };
}

/** The backend over `server`. */
export function natsBackend(server: NatsBackendServer): SubscriptionBackend<undefined> {
  return {
    label: 'NATS',
    leasesExpire: true,
    capabilities: { atomicReadModels: false, synchronousTransactions: false },
    open: async () => {
      const stream = server.uniqueStream();
      const opened = await openOn(server.connection(), stream);
      const readModel = mapReadModel();
      return {
        ...opened,
        readModel,
        openPeer: async () => openOn(await server.connectAnother(), stream),
        ghostLease: async (name, ttlMs, holder = 'ghost') => {
          // A holder on its own connection that never renews: its lease expires by itself.
          const ghost = new NatsSubscriptionStorage(await server.connectAnother(), {
            prefix: stream,
          });
          await ghost.leases.tryAcquire(name, holder, ttlMs);
          return () => Promise.resolve();
        },
      };
    },
  };
}
