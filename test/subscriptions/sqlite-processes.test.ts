import { afterAll, describe, it } from 'vitest';
import { startProjection } from '../../src/subscriptions/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { fileURLToPath } from 'node:url';
import { runKillRestart, startWorker } from './support/kill-restart.js';
import { sqliteReadModelProjection, sqliteReadModelRows } from './support/sqlite-backend.js';

const dir = createTempDir('eventfold-subscriptions-');
afterAll(() => dir.remove());
const worker = fileURLToPath(new URL('fixtures/sqlite-projection-worker.ts', import.meta.url));

describe('SQLite projection processes', () => {
  it('killed with SIGKILL mid-batch and replaced while writers append, leave a read model equal to a rebuild', async () => {
    const file = dir.file();
    const store = new SqliteEventStore(file, { busyTimeout: 20_000 });
    const storage = new SqliteSubscriptionStorage(store);
    try {
      await runKillRestart({
        store,
        leaseOutlivesHolder: true,
        startWorker: (holder) => startWorker(worker, [file, holder, '40', '0.4']),
        holderOf: async () => (await storage.leases.holderOf('proc'))?.holder,
        checkpoint: async () => (await storage.checkpoints.load('proc'))?.position,
        rows: () => Promise.resolve(sqliteReadModelRows(store.database, 'proc')),
        rebuild: async (until) => {
          const projection = sqliteReadModelProjection(store.database, 'proc_rebuild');
          const running = startProjection(store, projection, { storage, batchSize: 500 });
          await running.waitForPosition(until);
          await running.stop();
          return sqliteReadModelRows(store.database, 'proc_rebuild');
        },
      });
    } finally {
      await store.close();
    }
  });
});
