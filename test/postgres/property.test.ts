import { describe, it } from 'vitest';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

const database = useTestDatabase('property');

runPropertySuite('PostgreSQL', {
  describe,
  it,
  numRuns: 100,
  createStore: (options) => {
    return PostgresEventStore.connect({
      ...options,
      connectionString: database().url,
      schema: uniqueName('p'),
    });
  },
});
