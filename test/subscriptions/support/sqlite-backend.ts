import type Database from 'better-sqlite3';
import { defineProjection, type Projection } from '../../../src/subscriptions/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../../src/stores/sqlite/index.js';
import type { SqliteTransaction } from '../../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import type { ReadModel, StreamRow, SubscriptionBackend } from './backend.js';

/** The SQL of the per-stream read model table `rm_<name>`. */
export function sqliteReadModelSql(name: string): {
  create: string;
  apply: string;
  select: string;
  reset: string;
} {
  const table = `rm_${name.replace(/[^a-z0-9_]/gi, '_')}`;
  return {
    create: `CREATE TABLE IF NOT EXISTS ${table} (stream_id TEXT PRIMARY KEY, version INTEGER NOT NULL, count INTEGER NOT NULL)`,
    apply: `INSERT INTO ${table} (stream_id, version, count) VALUES (?, ?, 1)
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, count = count + 1`,
    select: `SELECT stream_id, version, count FROM ${table}`,
    reset: `DELETE FROM ${table}`,
  };
}

/** A projection keeping the per-stream read model in the store's file. */
export function sqliteReadModelProjection(
  db: Database.Database,
  name: string,
  types: readonly string[] = ['Created', 'Renamed'],
): Projection<SqliteTransaction> {
  const sql = sqliteReadModelSql(name);
  db.exec(sql.create);
  const apply = (e: { streamId: string; version: number }, tx: SqliteTransaction) => {
    tx.prepare(sql.apply).run(e.streamId, e.version);
  };
  return defineProjection<SqliteTransaction>({
    name,
    handlers: Object.fromEntries(types.map((t) => [t, apply])),
    reset: (tx) => {
      tx.exec(sql.reset);
    },
  });
}

/** The rows of a per-stream read model table. */
export function sqliteReadModelRows(db: Database.Database, name: string): Map<string, StreamRow> {
  const rows = db
    .prepare<[], { stream_id: string; version: number; count: number }>(
      sqliteReadModelSql(name).select,
    )
    .all();
  return new Map(rows.map((r) => [r.stream_id, { version: r.version, count: r.count }]));
}

/** SQLite files (one per test) with the storage in the same file. */
export function sqliteBackend(file: () => string): SubscriptionBackend<SqliteTransaction> {
  return {
    label: 'sqlite',
    leasesExpire: true,
    capabilities: { atomicReadModels: true, synchronousTransactions: true },
    open: () => {
      const filename = file();
      const store = new SqliteEventStore(filename);
      const storage = new SqliteSubscriptionStorage(store);
      const readModel: ReadModel<SqliteTransaction> = {
        projection: (name, options = {}) =>
          Promise.resolve(sqliteReadModelProjection(store.database, name, options.types)),
        rows: (name) => Promise.resolve(sqliteReadModelRows(store.database, name)),
      };
      return Promise.resolve({
        store,
        storage,
        readModel,
        close: () => store.close(),
        openPeer: () => {
          const peer = new SqliteEventStore(filename);
          return Promise.resolve({
            store: peer,
            storage: new SqliteSubscriptionStorage(peer),
            close: () => peer.close(),
          });
        },
        ghostLease: async (name, ttlMs, holder = 'ghost') => {
          await storage.leases.tryAcquire(name, holder, ttlMs);
          return () => Promise.resolve();
        },
      });
    },
  };
}
