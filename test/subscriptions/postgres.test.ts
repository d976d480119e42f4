import { describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { subscribe, type Lease } from '../../src/subscriptions/index.js';
import { TcpProxy } from '../faults/tcp-proxy.js';
import { waitFor } from '../support/wait.js';
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

describe('PostgreSQL subscription status during an outage', () => {
  it('resolves with the stored part as last read, marked stale, and fresh again after', async () => {
    const target = new URL(url());
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const proxied = new URL(url());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.search = '?connectTimeoutMs=300&statementTimeoutMs=300';
    const schema = uniqueName('stale');
    const store = await PostgresEventStore.connect({
      connectionString: proxied.toString(),
      schema,
    });
    const subscription = subscribe(store, {
      name: 'watcher',
      handler: () => undefined,
      lease: false,
      onError: () => undefined,
    });
    try {
      const { position } = await store.append('Task-1', [{ type: 'A', data: {} }]);
      await subscription.waitForPosition(position, { timeoutMs: 10_000 });
      const before = await subscription.status();
      expect(before.stale).toBeUndefined();
      expect(before.checkpoint).toBe(position);

      proxy.partition();
      const during = await subscription.status();
      expect(during).toMatchObject({ name: 'watcher', checkpoint: position, parked: 0 });
      expect(during.lag).toEqual(before.lag);
      expect(during.stale?.since.getTime()).toBeLessThanOrEqual(Date.now());
      expect(during.stale?.reason).toMatch(/^PostgreSQL /);

      proxy.heal();
      await waitFor(
        async () => (await subscription.status()).stale === undefined,
        'a fresh status',
      );
    } finally {
      proxy.heal();
      await subscription.stop();
      await store.close();
      await proxy.close();
    }
  });
});
