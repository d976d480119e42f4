/**
 * The backends of bench/subscriptions.ts: a store, its subscription storage
 * and a raw read-model projection of per-stream counters, on memory, a
 * SQLite file, or a throwaway PostgreSQL schema.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolClient } from 'pg';
import { InMemoryEventStore, type EventStore } from '../../src/index.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  type Projection,
  type SubscriptionStorage,
} from '../../src/subscriptions/index.js';
import {
  SqliteEventStore,
  SqliteSubscriptionStorage,
  type SqliteTransaction,
} from '../../src/stores/sqlite/index.js';

/** A backend the benchmark runs on. */
export type SubscriptionBenchBackend = 'memory' | 'sqlite' | 'postgres';

/** One backend: its store and storage, and a read-model projection of per-stream counters. */
export interface Env<Tx> {
  readonly store: EventStore;
  readonly storage: SubscriptionStorage<Tx>;
  projection(name: string, onEvent: (id: string) => void): Promise<Projection<Tx>>;
  /**
   * Refreshes the planner's statistics after a bulk fill (PostgreSQL: `ANALYZE`, which
   * autovacuum would run within a minute or so; until then the feed query may sort).
   */
  analyze?(): Promise<void>;
  close(): Promise<void>;
}

function memoryEnv(): Promise<Env<undefined>> {
  const store = new InMemoryEventStore();
  const storage = new InMemorySubscriptionStorage();
  return Promise.resolve({
    store,
    storage,
    projection: (name, onEvent) => {
      const rows = new Map<string, number>();
      const apply = (e: { id: string; streamId: string }) => {
        rows.set(e.streamId, (rows.get(e.streamId) ?? 0) + 1);
        onEvent(e.id);
      };
      return Promise.resolve(defineProjection({ name, handlers: { TaskUpdated: apply } }));
    },
    close: () => store.close(),
  });
}

function sqliteEnv(): Promise<Env<SqliteTransaction>> {
  const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-subscriptions-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  const storage = new SqliteSubscriptionStorage(store);
  return Promise.resolve({
    store,
    storage,
    projection: (name, onEvent) => {
      const table = `rm_${name.replace(/\W/g, '_')}`;
      store.database.exec(
        `CREATE TABLE ${table} (stream_id TEXT PRIMARY KEY, events INTEGER NOT NULL)`,
      );
      const upsert = store.database.prepare<[string]>(
        `INSERT INTO ${table} VALUES (?, 1) ON CONFLICT (stream_id) DO UPDATE SET events = events + 1`,
      );
      return Promise.resolve(
        defineProjection<SqliteTransaction>({
          name,
          handlers: {
            TaskUpdated: (e) => {
              upsert.run(e.streamId); // the same connection: inside the projection's transaction
              onEvent(e.id);
            },
          },
        }),
      );
    },
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

async function postgresEnv(url: string): Promise<Env<PoolClient>> {
  // Loaded only when asked for, so the other backends run without pg.
  const { PostgresEventStore, PostgresSubscriptionStorage } =
    await import('../../src/stores/postgres/index.js');
  const schema = `bench_subs_${randomBytes(5).toString('hex')}`;
  const store = await PostgresEventStore.connect({ connectionString: url, schema });
  const storage = new PostgresSubscriptionStorage(store);
  const s = store.quotedSchema;
  return {
    store,
    storage,
    projection: async (name, onEvent) => {
      const table = `${s}.rm_${name.replace(/\W/g, '_')}`;
      await store.pool.query(
        `CREATE TABLE ${table} (stream_id text PRIMARY KEY, events integer NOT NULL)`,
      );
      const upsert = `INSERT INTO ${table} VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET events = ${table}.events + 1`;
      return defineProjection<PoolClient>({
        name,
        handlers: {
          TaskUpdated: async (e, client) => {
            await client.query(upsert, [e.streamId]);
            onEvent(e.id);
          },
        },
      });
    },
    analyze: async () => {
      await store.pool.query(`ANALYZE ${s}.events`);
    },
    close: async () => {
      await store.pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch(() => undefined);
      await store.close();
    },
  };
}

/** Opens a backend (PostgreSQL at `url`). */
export async function openEnv(
  backend: SubscriptionBenchBackend,
  url: string,
): Promise<Env<unknown>> {
  const env =
    backend === 'memory' ? memoryEnv() : backend === 'sqlite' ? sqliteEnv() : postgresEnv(url);
  return (await env) as Env<unknown>;
}
