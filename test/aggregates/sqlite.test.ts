/**
 * Aggregates on the SQLite backend: the snapshot-store suite on
 * `SqliteSnapshotStore`, the aggregate cases on `SqliteEventStore` with it,
 * and what only a file shows: loads read the events after the snapshot, and
 * snapshots survive reopening the file.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AggregateRepository, type SnapshotStore } from '../../src/aggregates/index.js';
import {
  DatabaseError,
  MigrationError,
  StoreClosedError,
  ValidationError,
} from '../../src/index.js';
import {
  SQLITE_SCHEMA_VERSION,
  SqliteEventStore,
  SqliteSnapshotStore,
} from '../../src/stores/sqlite/index.js';
import { readSchemaVersion } from '../../src/stores/sqlite/migrate.js';
import {
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
} from '../../src/stores/sqlite/migrations/index.js';
import { SELECT_SNAPSHOT } from '../../src/stores/sqlite/sql/snapshots.js';
import { runSnapshotStoreSuite } from '../../src/testing/index.js';
import { asSqlite } from '../sqlite/support/as-sqlite.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { aggregateBenchmarksOnBackends } from '../../bench/aggregates-backends.js';
import { aggregateSuite } from './aggregate-cases.js';
import { BankAccount } from './domain.js';
import { InstrumentedStore, rejectionOf } from './instrumented-store.js';
import { snapshotProperty } from './snapshot-property.js';

const dir = createTempDir('eventfold-aggregates-');
afterAll(() => dir.remove());

/** A snapshot store whose `close()` also runs `release` (the suite closes only the snapshot store). */
function closingAlso(snapshots: SqliteSnapshotStore, release: () => Promise<void>): SnapshotStore {
  const close = async () => {
    await snapshots.close();
    await release();
  };
  return {
    load: (streamId) => snapshots.load(streamId),
    save: (snapshot) => snapshots.save(snapshot),
    delete: (streamId) => snapshots.delete(streamId),
    close,
    [Symbol.asyncDispose]: close,
  };
}

runSnapshotStoreSuite('sqlite (file, from a SqliteEventStore)', {
  describe,
  it,
  createSnapshotStore: () => {
    const store = new SqliteEventStore(dir.file());
    return Promise.resolve(closingAlso(new SqliteSnapshotStore(store), () => store.close()));
  },
});

runSnapshotStoreSuite('sqlite (a better-sqlite3 Database, :memory:)', {
  describe,
  it,
  createSnapshotStore: () => {
    const db = new Database(':memory:');
    return Promise.resolve(
      closingAlso(new SqliteSnapshotStore(db), () => Promise.resolve(void db.close())),
    );
  },
});

aggregateSuite('sqlite (file) with SqliteSnapshotStore', {
  createStore: () => Promise.resolve(new SqliteEventStore(dir.file())),
  createSnapshotStore: (store) => Promise.resolve(new SqliteSnapshotStore(asSqlite(store))),
});

const sqliteStores = (file: string) => {
  const events = new SqliteEventStore(file);
  return Promise.resolve({ events, snapshots: new SqliteSnapshotStore(events) });
};
snapshotProperty('sqlite (:memory:)', () => sqliteStores(':memory:'), 100);
snapshotProperty('sqlite (file)', () => sqliteStores(dir.file()), 25);

/** Saves `count` deposits one save at a time (after opening), snapshotting every `policy` events. */
async function depositMany(
  repository: AggregateRepository<BankAccount>,
  id: string,
  count: number,
): Promise<BankAccount> {
  const account = repository.create(id);
  account.open('Ada');
  await repository.save(account);
  for (let i = 1; i < count; i++) {
    account.deposit(i);
    if (i % 7 === 0 || i === count - 1) await repository.save(account);
  }
  return account;
}

describe('SqliteSnapshotStore', () => {
  it('a load reads the snapshot, then only the events after it', async () => {
    const store = new SqliteEventStore(dir.file());
    const snapshots = new SqliteSnapshotStore(store);
    try {
      const instrumented = new InstrumentedStore(store);
      const repository = new AggregateRepository(instrumented, BankAccount, {
        snapshots: { store: snapshots, policy: 100 },
      });
      const account = await depositMany(repository, 'r1', 250);
      expect(account.version).toBe(250);
      const row = store.database
        .prepare<[string], { version: number; schema_version: number; state: string }>(
          'SELECT version, schema_version, state FROM eventfold_snapshots WHERE stream_id = ?',
        )
        .get('BankAccount-r1');
      // Saves end at versions 1, 8, 15, … 246, 250: the policy snapshots at the first save
      // 100 or more events after the last one, so at 106 and then 211.
      expect(row?.version).toBe(211);
      expect(row?.schema_version).toBe(1);
      const snapshotVersion = row?.version ?? 0;

      instrumented.reads.length = 0;
      const loaded = await repository.get('r1');
      expect(instrumented.reads).toEqual([
        { streamId: 'BankAccount-r1', options: { from: snapshotVersion + 1 } },
      ]);
      const tail = await store.read('BankAccount-r1', { from: snapshotVersion + 1 });
      expect(tail.events).toHaveLength(250 - snapshotVersion);
      expect(loaded.version).toBe(250);
      expect(loaded.state).toEqual(account.state);
      const plain = await new AggregateRepository(store, BankAccount).get('r1');
      expect(loaded.state).toEqual(plain.state);
    } finally {
      await snapshots.close();
      await store.close();
    }
  });

  it('snapshots survive closing and reopening the file', async () => {
    const file = dir.file();
    const first = new SqliteEventStore(file);
    const firstSnapshots = new SqliteSnapshotStore(first);
    const account = await depositMany(
      new AggregateRepository(first, BankAccount, {
        snapshots: { store: firstSnapshots, policy: 20 },
      }),
      'r2',
      60,
    );
    const saved = await firstSnapshots.load('BankAccount-r2');
    await firstSnapshots.close();
    await first.close();
    // Saves end at versions 1, 8, … 57, 60: every 20 events snapshots at 22 and 43.
    expect(saved).toEqual({
      streamId: 'BankAccount-r2',
      version: 43,
      schemaVersion: 1,
      state: { status: 'open', owner: 'Ada', balance: (42 * 43) / 2, transactions: 42 },
      createdAt: saved?.createdAt,
    });
    expect(saved?.createdAt).toBeInstanceOf(Date);

    const store = new SqliteEventStore(file);
    const snapshots = new SqliteSnapshotStore(store);
    try {
      expect(await snapshots.load('BankAccount-r2')).toEqual(saved);
      const instrumented = new InstrumentedStore(store);
      const repository = new AggregateRepository(instrumented, BankAccount, {
        snapshots: { store: snapshots, policy: 20 },
      });
      const loaded = await repository.get('r2');
      expect(instrumented.reads.map((r) => r.options)).toEqual([
        { from: (saved?.version ?? 0) + 1 },
      ]);
      expect(loaded.state).toEqual(account.state);
      expect(loaded.version).toBe(60);
    } finally {
      await snapshots.close();
      await store.close();
    }
  });

  it('creates its own table, apart from the event store’s migrations, once', () => {
    const file = dir.file();
    const db = new Database(file);
    try {
      const store = new SqliteEventStore(db);
      const tables = () =>
        db
          .prepare<[], string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'eventfold%' ORDER BY name",
          )
          .pluck()
          .all();
      const before = tables();
      expect(before).toContain('eventfold_events');
      expect(before).not.toContain('eventfold_snapshots');
      const snapshots = new SqliteSnapshotStore(store);
      expect(tables().filter((name) => !before.includes(name))).toEqual([
        'eventfold_snapshots',
        'eventfold_snapshots_schema',
      ]);
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(SNAPSHOT_SCHEMA_VERSION);
      expect(readSchemaVersion(db)).toBe(SQLITE_SCHEMA_VERSION);
      const columns = db
        .prepare<[], { name: string; type: string; notnull: number; pk: number }>(
          'SELECT name, type, "notnull", pk FROM pragma_table_info(\'eventfold_snapshots\')',
        )
        .all();
      expect(columns).toEqual([
        { name: 'stream_id', type: 'TEXT', notnull: 1, pk: 1 },
        { name: 'version', type: 'INTEGER', notnull: 1, pk: 0 },
        { name: 'schema_version', type: 'INTEGER', notnull: 1, pk: 0 },
        { name: 'state', type: 'TEXT', notnull: 1, pk: 0 },
        { name: 'created_at', type: 'INTEGER', notnull: 1, pk: 0 },
      ]);
      // A second snapshot store on the same file keeps what is there.
      db.prepare(
        "INSERT INTO eventfold_snapshots VALUES ('Task-1', 3, 1, '{\"a\":1}', 1700000000000)",
      ).run();
      const again = new SqliteSnapshotStore(db);
      expect(db.prepare('SELECT count(*) FROM eventfold_snapshots').pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM eventfold_snapshots_schema').pluck().get()).toBe(1);
      void again.close();
      void snapshots.close();
      void store.close();
      expect(db.open).toBe(true); // neither store closes a handle it was given
    } finally {
      db.close();
    }
  });

  it('reads createdAt and the state as stored', async () => {
    const db = new Database(':memory:');
    try {
      const snapshots = new SqliteSnapshotStore(db);
      db.prepare(
        "INSERT INTO eventfold_snapshots VALUES ('Task-1', 3, 2, '{\"a\":[1,2]}', 1700000000000)",
      ).run();
      expect(await snapshots.load('Task-1')).toEqual({
        streamId: 'Task-1',
        version: 3,
        schemaVersion: 2,
        state: { a: [1, 2] },
        createdAt: new Date(1700000000000),
      });
      const before = Date.now();
      await snapshots.save({ streamId: 'Task-2', version: 1, schemaVersion: 1, state: {} });
      const createdAt = (await snapshots.load('Task-2'))?.createdAt.getTime() ?? 0;
      expect(createdAt).toBeGreaterThanOrEqual(before);
      expect(createdAt).toBeLessThanOrEqual(Date.now());
    } finally {
      db.close();
    }
  });

  it('refuses a snapshot table written by a newer eventfold, leaving it untouched', () => {
    const file = dir.file();
    const db = new Database(file);
    try {
      void new SqliteSnapshotStore(db).close();
      db.prepare('UPDATE eventfold_snapshots_schema SET version = ?').run(
        SNAPSHOT_SCHEMA_VERSION + 1,
      );
      const error = (() => {
        try {
          new SqliteSnapshotStore(db);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(MigrationError.is(error)).toBe(true);
      expect((error as MigrationError).message).toMatch(/newer eventfold/);
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(SNAPSHOT_SCHEMA_VERSION + 1);
    } finally {
      db.close();
    }
  });

  it('two connections to one file share the snapshots and the replace rule', async () => {
    const file = dir.file();
    const one = new SqliteEventStore(file);
    const two = new SqliteEventStore(file);
    const a = new SqliteSnapshotStore(one);
    const b = new SqliteSnapshotStore(two);
    try {
      expect(await a.save({ streamId: 'Task-9', version: 10, schemaVersion: 1, state: 'a' })).toBe(
        true,
      );
      expect((await b.load('Task-9'))?.state).toBe('a');
      expect(await b.save({ streamId: 'Task-9', version: 5, schemaVersion: 1, state: 'b' })).toBe(
        false,
      );
      expect(await b.save({ streamId: 'Task-9', version: 5, schemaVersion: 2, state: 'c' })).toBe(
        true,
      );
      expect(await a.load('Task-9')).toMatchObject({ version: 5, schemaVersion: 2, state: 'c' });
      expect(await a.delete('Task-9')).toBe(true);
      expect(await b.load('Task-9')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
      await one.close();
      await two.close();
    }
  });

  it('looks a snapshot up through the primary key', () => {
    const db = new Database(':memory:');
    try {
      void new SqliteSnapshotStore(db).close();
      const plan = db
        .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${SELECT_SNAPSHOT}`)
        .all('Task-1')
        .map((row) => row.detail);
      expect(plan).toEqual([
        'SEARCH eventfold_snapshots USING INDEX sqlite_autoindex_eventfold_snapshots_1 (stream_id=?)',
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses what is not a database, a closed handle, and use after close', async () => {
    expect(() => new SqliteSnapshotStore({} as Database.Database)).toThrow(ValidationError);
    const closed = new Database(':memory:');
    closed.close();
    expect(() => new SqliteSnapshotStore(closed)).toThrow(DatabaseError);

    const store = new SqliteEventStore(':memory:');
    const snapshots = new SqliteSnapshotStore(store);
    await snapshots.close();
    expect(StoreClosedError.is(await rejectionOf(snapshots.load('Task-1')))).toBe(true);
    expect(
      StoreClosedError.is(
        await rejectionOf(
          snapshots.save({ streamId: 'T-1', version: 1, schemaVersion: 1, state: 1 }),
        ),
      ),
    ).toBe(true);
    expect(StoreClosedError.is(await rejectionOf(snapshots.delete('Task-1')))).toBe(true);

    // The event store closed its own connection: the snapshot store reports a DatabaseError.
    const orphan = new SqliteSnapshotStore(store);
    await store.close();
    expect(DatabaseError.is(await rejectionOf(orphan.load('Task-1')))).toBe(true);
  });
});

describe('W6 on SQLite (smoke: it runs, no timing asserted)', () => {
  it('rehydrates with and without a SqliteSnapshotStore', async () => {
    const [sqlite] = await aggregateBenchmarksOnBackends({
      backends: ['sqlite'],
      sizes: [25],
      runs: 1,
      warmup: 0,
      eventsPerRun: 50,
    });
    expect(sqlite?.error).toBeUndefined();
    expect(sqlite?.results.map((r) => [r.size, r.withSnapshot.count])).toEqual([[25, 50]]);
  });
});
