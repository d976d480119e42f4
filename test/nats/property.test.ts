import { describe, it } from 'vitest';
import { NatsEventStore } from '../../src/stores/nats/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import { NATS_STORE_CAPABILITIES, uniquePrefix, useNats } from '../support/nats-test.js';

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
