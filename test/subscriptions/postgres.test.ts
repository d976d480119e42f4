import { describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import type { Lease } from '../../src/subscriptions/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import type { Opened, SubscriptionBackend } from './support/backend.js';
import {
  postgresReadModelProjection,
  postgresReadModelRows,
} from './support/postgres-read-model.js';
import { runSubscriptionCases } from './support/subscription-cases.js';

const database = useTestDatabase('subscriptions');

function url(): string {
  return database().url;
}

async function openOn(schema: string): Promise<Opened<PoolClient> & { store: PostgresEventStore }> {
  const store = await PostgresEventStore.connect({ connectionString: url(), schema });
  return { store, storage: new PostgresSubscriptionStorage(store), close: () => store.close() };
}

/** A schema per test; the peer is a second store (own pool, own LISTEN connection) on it. */
const postgresBackend: SubscriptionBackend<PoolClient> = {
  label: 'postgres',
  leasesExpire: false,
  capabilities: { atomicReadModels: true, synchronousTransactions: false },
  open: async () => {
    const schema = uniqueName('subs');
    const opened = await openOn(schema);
    const { store, storage } = opened;
    return {
      ...opened,
      readModel: {
        projection: (name, options = {}) => postgresReadModelProjection(store, name, options.types),
        rows: (name) => postgresReadModelRows(store, name),
      },
      openPeer: () => openOn(schema),
      ghostLease: async (name, ttlMs) => {
        await storage.leases.tryAcquire(name, 'ghost', ttlMs);
        // Dying: the server ends the ghost's connection, which frees its advisory lock.
        return async () => {
          await store.pool.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE application_name = 'eventfold-lease:ghost' AND datname = current_database()`,
          );
        };
      },
    };
  },
};

runSubscriptionCases(postgresBackend);

describe('PostgreSQL subscription storage', () => {
  it('await using releases the leases it holds, ending their connections; the store stays open', async () => {
    const { store } = await openOn(uniqueName('subs'));
    try {
      let lease: Lease | undefined;
      {
        await using storage = new PostgresSubscriptionStorage(store);
        lease = await storage.leases.tryAcquire('held', 'disposer', 10_000);
        expect(lease).toMatchObject({ name: 'held', holder: 'disposer' });
        expect(await storage.leases.holderOf('held')).toEqual({ holder: 'disposer' });
      }
      expect(await lease?.renew()).toBe(false);
      const other = new PostgresSubscriptionStorage(store);
      expect(await other.leases.holderOf('held')).toBeUndefined();
      const next = await other.leases.tryAcquire('held', 'next', 10_000);
      expect(await other.leases.holderOf('held')).toEqual({ holder: 'next' });
      await next?.release();
      await other.close();
      expect(await other.leases.holderOf('held')).toBeUndefined();
      expect(await store.getVersion('Task-1')).toBe(0);
    } finally {
      await store.close();
    }
  });
});
