import { describe, it } from 'vitest';
import type { EventStore } from '../../src/index.js';
import { NatsEventStore, NatsKeyStore } from '../../src/stores/nats/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import type { StoreFactoryOptions } from '../../src/testing/index.js';
import { NATS_STORE_CAPABILITIES, uniquePrefix, useNats } from '../support/nats-test.js';

const nats = useNats();

async function createStore(options: StoreFactoryOptions): Promise<EventStore> {
  return NatsEventStore.connect({
    ...options,
    connection: nats.connection(),
    stream: uniquePrefix('c'),
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
  createKeyStore: (store) => {
    if (!(store instanceof NatsEventStore)) throw new Error('not a NatsEventStore');
    return new NatsKeyStore(store.connection, { prefix: store.streamName });
  },
});
