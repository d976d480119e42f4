import { afterAll, describe, it } from 'vitest';
import type { EventStore } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import type { StoreFactoryOptions } from '../../src/testing/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';

let database: TestDatabase | undefined;
beforeAllOrFail(async () => {
  database = await createTestDatabase('conformance');
});
afterAll(async () => {
  await database?.drop();
});

function url(): string {
  if (database === undefined) throw new Error('the test database was not created');
  return database.url;
}

async function createStore(options: StoreFactoryOptions): Promise<EventStore> {
  return PostgresEventStore.connect({
    ...options,
    connectionString: url(),
    schema: uniqueName('c'),
  });
}

async function reopenStore(store: EventStore, options: StoreFactoryOptions): Promise<EventStore> {
  if (!(store instanceof PostgresEventStore)) throw new Error('not a PostgresEventStore');
  const schema = store.schema;
  await store.close();
  return PostgresEventStore.connect({ ...options, connectionString: url(), schema });
}

runConformanceSuite('PostgreSQL', { describe, it, createStore, reopenStore });
