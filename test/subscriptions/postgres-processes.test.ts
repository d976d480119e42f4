import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { startProjection } from '../../src/subscriptions/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { runKillRestart, startWorker } from './support/kill-restart.js';
import {
  postgresReadModelProjection,
  postgresReadModelRows,
} from './support/postgres-read-model.js';

const database = useTestDatabase('subscriptions_proc');
const worker = fileURLToPath(new URL('fixtures/postgres-projection-worker.ts', import.meta.url));

describe('PostgreSQL projection processes', () => {
  it('killed with SIGKILL mid-batch and replaced while writers append, leave a read model equal to a rebuild', async () => {
    const url = database().url;
    const schema = uniqueName('proc');
    const store = await PostgresEventStore.connect({ connectionString: url, schema });
    const storage = new PostgresSubscriptionStorage(store);
    await postgresReadModelProjection(store, 'proc'); // the table, before the workers race to create it
    try {
      await runKillRestart({
        store,
        // The server frees a dead holder's advisory lock at once.
        leaseOutlivesHolder: false,
        startWorker: (holder) => startWorker(worker, [url, schema, holder, '40', '0.4']),
        holderOf: async () => (await storage.leases.holderOf('proc'))?.holder,
        checkpoint: async () => (await storage.checkpoints.load('proc'))?.position,
        rows: () => postgresReadModelRows(store, 'proc'),
        rebuild: async (until) => {
          const projection = await postgresReadModelProjection(store, 'proc_rebuild');
          const running = startProjection(store, projection, { storage, batchSize: 500 });
          await running.waitForPosition(until);
          await running.stop();
          return postgresReadModelRows(store, 'proc_rebuild');
        },
      });
    } finally {
      await store.close();
    }
  });
});
