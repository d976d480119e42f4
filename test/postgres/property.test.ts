import { describe, it } from 'vitest';
import type { StoreCapabilities } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

/** What a PostgreSQL store must declare, written out here so the suite checks the store's own flags. */
const POSTGRES_STORE_CAPABILITIES: StoreCapabilities = {
  multiProcess: true,
  durable: true,
  crossProcessNotifications: true,
  atomicReadModels: true,
  synchronousTransactions: false,
  delayedVisibility: true,
  atomicMultiStreamAppends: true,
};

const database = useTestDatabase('property');

runPropertySuite('PostgreSQL', {
  describe,
  it,
  numRuns: 100,
  capabilities: POSTGRES_STORE_CAPABILITIES,
  createStore: (options) => {
    return PostgresEventStore.connect({
      ...options,
      connectionString: database().url,
      schema: uniqueName('p'),
    });
  },
});
