import { describe, expect, it } from 'vitest';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { startProjection, subscribe } from '../../src/subscriptions/index.js';
import {
  postgresReadModelProjection,
  postgresReadModelRows,
} from '../subscriptions/support/postgres-read-model.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { within } from '../support/wait.js';

const database = useTestDatabase('default_storage');

const created = (n: number) => ({ type: 'Created', data: { n } });

function connect(schema: string): Promise<PostgresEventStore> {
  return PostgresEventStore.connect({ connectionString: database().url, schema });
}

/** The lease connections of `holder` still open on the server. */
async function leaseConnections(store: PostgresEventStore, holder: string): Promise<number> {
  const { rows } = await store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`,
    [`eventfold-lease:${holder}`],
  );
  return rows[0]?.n ?? -1;
}

describe('a subscription on PostgreSQL without a storage', () => {
  it('keeps its checkpoint in the store’s schema: a restart on a new store object resumes from it', async () => {
    const schema = uniqueName('defaults');
    const seen: number[] = [];
    {
      await using store = await connect(schema);
      await store.append('Task-1', [created(1), created(2)]);
      const sub = subscribe(store, {
        name: 'mailer',
        lease: { holder: 'first-run' },
        handler: (e) => void seen.push(e.version),
      });
      expect(sub.storage).toBeInstanceOf(PostgresSubscriptionStorage);
      const last = await store.append('Task-1', [created(3)]);
      await within(sub.waitForPosition(last.position), 'the first run');
      expect(await leaseConnections(store, 'first-run')).toBe(1);
      await sub.stop();
      // The storage it created is closed with it: no lease connection is left behind.
      expect(await leaseConnections(store, 'first-run')).toBe(0);
    }
    {
      await using store = await connect(schema);
      const last = await store.append('Task-1', [created(4)]);
      const sub = subscribe(store, { name: 'mailer', handler: (e) => void seen.push(e.version) });
      await within(sub.waitForPosition(last.position), 'the restart');
      await sub.stop();
    }
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('runs a projection in the store’s own transactions, resuming after a restart', async () => {
    const schema = uniqueName('defaults');
    const run = async (n: number) => {
      await using store = await connect(schema);
      const projection = await postgresReadModelProjection(store, 'tasks');
      const last = await store.append(`Task-${n}`, [created(n)]);
      const running = startProjection(store, projection);
      await within(running.waitForPosition(last.position), `run ${n}`);
      await running.stop();
      return await postgresReadModelRows(store, 'tasks');
    };
    expect(await run(1)).toEqual(new Map([['Task-1', { version: 1, count: 1 }]]));
    expect(await run(2)).toEqual(
      new Map([
        ['Task-1', { version: 1, count: 1 }],
        ['Task-2', { version: 1, count: 1 }],
      ]),
    );
  });
});
