/**
 * The read model of the rebalancing-group process tests, on PostgreSQL and
 * SQLite: one row per event (`count` must stay 1: handled exactly once) and
 * one row per stream (its last version, its event count, and whether every
 * event of the stream came in version order).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { PoolClient } from 'pg';
import type { PostgresEventStore } from '../../../src/stores/postgres/index.js';
import type { SqliteTransaction } from '../../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import { defineProjection, type Projection } from '../../../src/subscriptions/index.js';

/** What the tables hold, read back. */
export interface GroupReadModel {
  /** Times each event id was applied. */
  readonly events: Map<string, number>;
  /** Per stream: last version, events applied, and whether they came in version order. */
  readonly streams: Map<string, { version: number; count: number; ordered: boolean }>;
}

const TYPES = ['Created', 'Renamed'];

/** The projection `name` on PostgreSQL (tables `rm_<name>_events` and `rm_<name>_streams`, created here). */
export async function postgresGroupProjection(
  store: PostgresEventStore,
  name: string,
): Promise<Projection<PoolClient>> {
  const [events, streams] = postgresTables(store, name);
  await store.pool.query(`CREATE TABLE IF NOT EXISTS ${events} (
    event_id text PRIMARY KEY, stream_id text NOT NULL, count int NOT NULL)`);
  await store.pool.query(`CREATE TABLE IF NOT EXISTS ${streams} (
    stream_id text PRIMARY KEY, version bigint NOT NULL, count bigint NOT NULL, ordered boolean NOT NULL)`);
  const apply = async (
    e: { id: string; streamId: string; version: number },
    client: PoolClient,
  ): Promise<void> => {
    await client.query(
      `INSERT INTO ${events} AS t (event_id, stream_id, count) VALUES ($1, $2, 1)
       ON CONFLICT (event_id) DO UPDATE SET count = t.count + 1`,
      [e.id, e.streamId],
    );
    await client.query(
      `INSERT INTO ${streams} AS t (stream_id, version, count, ordered) VALUES ($1, $2::bigint, 1, $2::bigint = 1)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, count = t.count + 1,
         ordered = t.ordered AND excluded.version = t.version + 1`,
      [e.streamId, e.version],
    );
  };
  return defineProjection<PoolClient>({
    name,
    handlers: Object.fromEntries(TYPES.map((type) => [type, apply])),
    reset: async (client) => {
      await client.query(`DELETE FROM ${events}; DELETE FROM ${streams}`);
    },
  });
}

/** The rows of the projection `name` on PostgreSQL. */
export async function postgresGroupReadModel(
  store: PostgresEventStore,
  name: string,
): Promise<GroupReadModel> {
  const [events, streams] = postgresTables(store, name);
  const e = await store.pool.query<{ event_id: string; count: number }>(
    `SELECT event_id, count FROM ${events}`,
  );
  const s = await store.pool.query<{
    stream_id: string;
    version: string;
    count: string;
    ordered: boolean;
  }>(`SELECT stream_id, version, count, ordered FROM ${streams}`);
  return {
    events: new Map(e.rows.map((r) => [r.event_id, r.count])),
    streams: new Map(
      s.rows.map((r) => [
        r.stream_id,
        { version: Number(r.version), count: Number(r.count), ordered: r.ordered },
      ]),
    ),
  };
}

function postgresTables(store: PostgresEventStore, name: string): [string, string] {
  const base = `${store.quotedSchema}.rm_${name.replace(/[^a-z0-9_]/gi, '_')}`;
  return [`${base}_events`, `${base}_streams`];
}

/** The projection `name` on SQLite (tables created here). */
export function sqliteGroupProjection(
  db: BetterSqlite3.Database,
  name: string,
): Projection<SqliteTransaction> {
  const [events, streams] = sqliteTables(name);
  db.exec(`CREATE TABLE IF NOT EXISTS ${events} (
    event_id TEXT PRIMARY KEY, stream_id TEXT NOT NULL, count INTEGER NOT NULL)`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${streams} (
    stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL, count INTEGER NOT NULL, ordered INTEGER NOT NULL)`);
  const apply = (
    e: { id: string; streamId: string; version: number },
    tx: SqliteTransaction,
  ): void => {
    tx.prepare(
      `INSERT INTO ${events} (event_id, stream_id, count) VALUES (?, ?, 1)
       ON CONFLICT (event_id) DO UPDATE SET count = count + 1`,
    ).run(e.id, e.streamId);
    tx.prepare(
      `INSERT INTO ${streams} (stream_id, version, count, ordered)
       VALUES (@stream, @version, 1, @version = 1)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, count = count + 1,
         ordered = ordered AND excluded.version = version + 1`,
    ).run({ stream: e.streamId, version: e.version });
  };
  return defineProjection<SqliteTransaction>({
    name,
    handlers: Object.fromEntries(TYPES.map((type) => [type, apply])),
    reset: (tx) => {
      tx.exec(`DELETE FROM ${events}; DELETE FROM ${streams}`);
    },
  });
}

/** The rows of the projection `name` on SQLite. */
export function sqliteGroupReadModel(db: BetterSqlite3.Database, name: string): GroupReadModel {
  const [events, streams] = sqliteTables(name);
  const e = db.prepare(`SELECT event_id, count FROM ${events}`).all() as {
    event_id: string;
    count: number;
  }[];
  const s = db.prepare(`SELECT stream_id, version, count, ordered FROM ${streams}`).all() as {
    stream_id: string;
    version: number;
    count: number;
    ordered: number;
  }[];
  return {
    events: new Map(e.map((r) => [r.event_id, r.count])),
    streams: new Map(
      s.map((r) => [r.stream_id, { version: r.version, count: r.count, ordered: r.ordered === 1 }]),
    ),
  };
}

function sqliteTables(name: string): [string, string] {
  const base = `rm_${name.replace(/[^a-z0-9_]/gi, '_')}`;
  return [`${base}_events`, `${base}_streams`];
}
