import { describe, it } from 'vitest';
import type { StoreCapabilities } from '../../src/index.js';
import { NatsEventStore } from '../../src/stores/nats/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import { uniquePrefix, useNats } from '../support/nats-test.js';

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

const nats = useNats();

runPropertySuite('NATS', {
  describe,
  it,
  numRuns: 100,
  capabilities: NATS_STORE_CAPABILITIES,
  createStore: (options) =>
    NatsEventStore.connect({
      ...options,
      connection: nats.connection(),
      stream: uniquePrefix('p'),
    }),
});
