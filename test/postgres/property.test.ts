import { afterAll, describe, it } from 'vitest';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';

let database: TestDatabase | undefined;
beforeAllOrFail(async () => {
  database = await createTestDatabase('property');
});
afterAll(async () => {
  await database?.drop();
});

runPropertySuite('PostgreSQL', {
  describe,
  it,
  numRuns: 100,
  createStore: (options) => {
    if (database === undefined) throw new Error('the test database was not created');
    return PostgresEventStore.connect({
      ...options,
      connectionString: database.url,
      schema: uniqueName('p'),
    });
  },
});
