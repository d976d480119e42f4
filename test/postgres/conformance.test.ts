import { describe, it } from 'vitest';
import type { EventStore, StoreCapabilities } from '../../src/index.js';
import { PostgresEventStore, PostgresKeyStore } from '../../src/stores/postgres/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import type { StoreFactoryOptions } from '../../src/testing/index.js';
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

const database = useTestDatabase('conformance');

async function createStore(options: StoreFactoryOptions): Promise<EventStore> {
  return PostgresEventStore.connect({
    ...options,
    connectionString: database().url,
    schema: uniqueName('c'),
  });
}

async function reopenStore(store: EventStore, options: StoreFactoryOptions): Promise<EventStore> {
  if (!(store instanceof PostgresEventStore)) throw new Error('not a PostgresEventStore');
  const schema = store.schema;
  await store.close();
  return PostgresEventStore.connect({ ...options, connectionString: database().url, schema });
}

runConformanceSuite('PostgreSQL', {
  describe,
  it,
  capabilities: POSTGRES_STORE_CAPABILITIES,
  createStore,
  reopenStore,
  createKeyStore: (store) => {
    if (!(store instanceof PostgresEventStore)) throw new Error('not a PostgresEventStore');
    return new PostgresKeyStore(store);
  },
});
