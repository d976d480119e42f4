import { describe, it } from 'vitest';
import type { EventStore, StoreCapabilities } from '../../src/index.js';
import { NatsEventStore } from '../../src/stores/nats/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import type { StoreFactoryOptions } from '../../src/testing/index.js';
import { skipNats, uniqueStream, useNats } from './nats-test-server.js';

/** What a NATS store must declare, written out here so the suite checks the store's own flags. */
const NATS_STORE_CAPABILITIES: StoreCapabilities = {
  multiProcess: true,
  durable: true,
  crossProcessNotifications: true,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
  atomicMultiStreamAppends: false,
};

describe.skipIf(skipNats)('NATS', () => {
  const nats = useNats();

  async function createStore(options: StoreFactoryOptions): Promise<EventStore> {
    return NatsEventStore.connect({
      ...options,
      connection: nats.connection(),
      stream: nats.track(uniqueStream('c')),
    });
  }

  async function reopenStore(store: EventStore, options: StoreFactoryOptions): Promise<EventStore> {
    if (!(store instanceof NatsEventStore)) throw new Error('not a NatsEventStore');
    const stream = store.streamName;
    await store.close();
    return NatsEventStore.connect({ ...options, connection: nats.connection(), stream });
  }

  runConformanceSuite('NATS', {
    describe,
    it,
    capabilities: NATS_STORE_CAPABILITIES,
    createStore,
    reopenStore,
  });
});
