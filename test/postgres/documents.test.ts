import { describe, expect, it } from 'vitest';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { runDocumentStorageSuite } from '../../src/testing/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

const database = useTestDatabase('documents');

const schemas = new WeakMap<object, string>();

async function openOn(schema: string) {
  const store = await PostgresEventStore.connect({ connectionString: database().url, schema });
  schemas.set(store, schema);
  const storage = new PostgresSubscriptionStorage(store);
  return {
    store,
    storage,
    close: async () => {
      await storage.close();
      await store.close();
    },
  };
}

runDocumentStorageSuite('postgres', {
  describe,
  it,
  open: () => openOn(uniqueName('docs')),
  openPeer: (first) => openOn(schemas.get(first.store) ?? ''),
});

describe('PostgreSQL document table', () => {
  it('is created on first use as jsonb, with a partial expression index per declared field', async () => {
    const schema = uniqueName('docs');
    const { store, storage, close } = await openOn(schema);
    try {
      const tables = `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'documents%' ORDER BY 1`;
      const names = async () =>
        (await store.pool.query<{ table_name: string }>(tables, [schema])).rows.map(
          (row) => row.table_name,
        );
      expect(await names()).toEqual([]);
      await storage.documents.ensureIndexes('carts', { total: 'number', customerId: 'string' });
      await storage.documents.ensureIndexes('carts', { total: 'number' }); // idempotent
      expect(await names()).toEqual(['documents', 'documents_schema']);
      const { rows } = await store.pool.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'documents' AND indexname LIKE 'documents\\_%' AND indexname <> 'documents_pkey' ORDER BY indexdef`,
        [schema],
      );
      expect(rows).toHaveLength(2);
      expect(rows.every((row) => row.indexdef.includes(`WHERE (collection = 'carts'`))).toBe(true);
    } finally {
      await close();
    }
  });
});
