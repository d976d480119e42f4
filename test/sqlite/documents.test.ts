import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import { runDocumentStorageSuite } from '../../src/testing/index.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-documents-');
afterAll(() => dir.remove());

const files = new WeakMap<object, string>();

function openFile(filename: string) {
  const store = new SqliteEventStore(filename);
  files.set(store, filename);
  return { store, storage: new SqliteSubscriptionStorage(store), close: () => store.close() };
}

runDocumentStorageSuite('sqlite file', {
  describe,
  it,
  open: () => Promise.resolve(openFile(dir.file())),
  openPeer: (first) => Promise.resolve(openFile(files.get(first.store) ?? '')),
});

describe('SQLite document table', () => {
  it('is created on first use, with a partial expression index per declared field that an equality find uses', async () => {
    const { store, storage, close } = openFile(dir.file());
    try {
      const table =
        "SELECT name FROM sqlite_master WHERE name LIKE 'eventfold_documents%' ORDER BY name";
      expect(store.database.prepare(table).pluck().all()).toEqual([]);
      await storage.documents.ensureIndexes('carts', { total: 'number' });
      expect(store.database.prepare(table).pluck().all()).toEqual([
        'eventfold_documents',
        'eventfold_documents__carts__total__number',
        'eventfold_documents_schema',
      ]);
      const plan = store.database
        .prepare(
          `EXPLAIN QUERY PLAN SELECT id, doc FROM eventfold_documents WHERE collection = 'carts' AND (CASE WHEN json_type(doc, '$.total') IN ('integer', 'real') THEN json_extract(doc, '$.total') END) = 3`,
        )
        .all() as { detail: string }[];
      expect(plan.map((row) => row.detail).join(' ')).toContain(
        'eventfold_documents__carts__total__number',
      );
    } finally {
      await close();
    }
  });
});
