/**
 * Aggregates on the PostgreSQL backend: the snapshot-store suite on
 * `PostgresSnapshotStore`, the aggregate cases on `PostgresEventStore` with it,
 * and loads that read only the events after the snapshot. The file has a
 * database of its own (test/support), and every store a schema of its own.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { AggregateRepository, type SnapshotStore } from '../../src/aggregates/index.js';
import {
  DatabaseError,
  MigrationError,
  StoreClosedError,
  ValidationError,
} from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/postgres-event-store.js';
import { PostgresSnapshotStore } from '../../src/stores/postgres/postgres-snapshot-store.js';
import { PostgresKeyStore } from '../../src/stores/postgres/postgres-key-store.js';
import {
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
} from '../../src/stores/postgres/migrations/index.js';
import { runSnapshotStoreSuite } from '../../src/testing/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { aggregateBenchmarksOnBackends } from '../../bench/aggregates-backends.js';
import { aggregateSuite } from './aggregate-cases.js';
import { BankAccount } from './domain.js';
import { InstrumentedStore, rejectionOf } from './instrumented-store.js';
import { snapshotProperty } from './snapshot-property.js';

let database: TestDatabase | undefined;
let pool: pg.Pool | undefined;
beforeAllOrFail(async () => {
  database = await createTestDatabase('aggregates');
  pool = new pg.Pool({ connectionString: database.url, max: 10 });
  pool.on('error', () => undefined);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

function url(): string {
  if (database === undefined) throw new Error('the test database was not created');
  return database.url;
}

function sharedPool(): pg.Pool {
  if (pool === undefined) throw new Error('the test pool was not created');
  return pool;
}

function asPostgres(store: unknown): PostgresEventStore {
  if (!(store instanceof PostgresEventStore)) throw new Error('expected a PostgresEventStore');
  return store;
}

function connect(schema = uniqueName('agg')): Promise<PostgresEventStore> {
  return PostgresEventStore.connect({ connectionString: url(), schema, notify: false });
}

/** The version recorded in a schema's snapshot version table (undefined: no table). */
async function recordedVersion(schema: string): Promise<number | undefined> {
  const table = `"${schema}".snapshots_schema`;
  const exists = await sharedPool().query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [table],
  );
  if (exists.rows[0]?.found !== true) return undefined;
  const { rows } = await sharedPool().query<{ version: number }>(`SELECT version FROM ${table}`);
  return rows[0]?.version;
}

runSnapshotStoreSuite('postgres (from a PostgresEventStore)', {
  describe,
  it,
  createSnapshotStore: async (): Promise<SnapshotStore> => {
    const store = await connect();
    const snapshots = new PostgresSnapshotStore(store);
    const close = async () => {
      await snapshots.close();
      await store.close();
    };
    return {
      load: (streamId) => snapshots.load(streamId),
      save: (snapshot) => snapshots.save(snapshot),
      delete: (streamId) => snapshots.delete(streamId),
      close,
      [Symbol.asyncDispose]: close,
    };
  },
});

runSnapshotStoreSuite('postgres (a pg Pool and a schema of its own)', {
  describe,
  it,
  createSnapshotStore: () =>
    Promise.resolve(new PostgresSnapshotStore(sharedPool(), uniqueName('snap'))),
});

aggregateSuite('postgres with PostgresSnapshotStore', {
  createStore: () => connect(),
  createSnapshotStore: (store) => Promise.resolve(new PostgresSnapshotStore(asPostgres(store))),
});

snapshotProperty(
  'postgres',
  async () => {
    // A schema per run, on the file's pool (left open when the store closes).
    const events = await PostgresEventStore.connect({
      pool: sharedPool(),
      schema: uniqueName('prop'),
      notify: false,
    });
    return { events, snapshots: new PostgresSnapshotStore(events) };
  },
  25,
);

describe('PostgresSnapshotStore', () => {
  it('a load reads the snapshot, then only the events after it; snapshots outlive the store', async () => {
    const schema = uniqueName('agg');
    const store = await connect(schema);
    const snapshots = new PostgresSnapshotStore(store);
    const repository = new AggregateRepository(store, BankAccount, {
      snapshots: { store: snapshots, policy: 100 },
    });
    const account = repository.create('r1');
    account.open('Ada');
    for (let i = 1; i < 250; i++) {
      account.deposit(i);
      if (i % 50 === 0 || i === 249) await repository.save(account);
    }
    const { rows } = await store.pool.query<{ version: string; schema_version: string }>(
      `SELECT version, schema_version FROM "${schema}".snapshots WHERE stream_id = $1`,
      ['BankAccount-r1'],
    );
    // Saves at versions 1, 51, 101, …, 250; every 100 events or more: snapshots at 101, then 201.
    expect(rows).toEqual([{ version: '201', schema_version: '1' }]);
    await snapshots.close();
    await store.close();

    // A new store on the same schema finds the snapshot and reads the 49 events after it.
    const reopened = await connect(schema);
    const instrumented = new InstrumentedStore(reopened);
    const again = new PostgresSnapshotStore(reopened);
    try {
      const loaded = await new AggregateRepository(instrumented, BankAccount, {
        snapshots: { store: again },
      }).get('r1');
      expect(instrumented.reads).toEqual([{ streamId: 'BankAccount-r1', options: { from: 202 } }]);
      expect((await reopened.read('BankAccount-r1', { from: 202 })).events).toHaveLength(49);
      expect(loaded.version).toBe(250);
      expect(loaded.state).toEqual(account.state);
      expect(loaded.state).toEqual(
        (await new AggregateRepository(reopened, BankAccount).get('r1')).state,
      );
    } finally {
      await again.close();
      await reopened.close();
    }
  });

  it('creates its own tables in the store’s schema, apart from the event store’s migrations', async () => {
    const schema = uniqueName('agg');
    const store = await connect(schema);
    try {
      const migrations = await store.pool.query(
        `SELECT version, name FROM "${schema}".migrations ORDER BY version`,
      );
      expect(await recordedVersion(schema)).toBeUndefined();
      const snapshots = new PostgresSnapshotStore(store);
      expect(snapshots.schema).toBe(schema);
      await snapshots.migrate();
      expect(await recordedVersion(schema)).toBe(SNAPSHOT_SCHEMA_VERSION);
      expect(SNAPSHOT_MIGRATIONS.migrations).toHaveLength(SNAPSHOT_SCHEMA_VERSION);
      const { rows: columns } = await store.pool.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'snapshots' ORDER BY ordinal_position`,
        [schema],
      );
      expect(columns).toEqual([
        { column_name: 'stream_id', data_type: 'text' },
        { column_name: 'version', data_type: 'bigint' },
        { column_name: 'schema_version', data_type: 'bigint' },
        { column_name: 'state', data_type: 'text' },
        { column_name: 'created_at', data_type: 'timestamp with time zone' },
      ]);
      expect(
        (
          await store.pool.query(
            `SELECT version, name FROM "${schema}".migrations ORDER BY version`,
          )
        ).rows,
      ).toEqual(migrations.rows);
      await snapshots.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: { a: 1 } });
      // Another snapshot store on the schema keeps what is there.
      const second = new PostgresSnapshotStore(store.pool, schema);
      await second.migrate();
      expect((await second.load('Task-1'))?.state).toEqual({ a: 1 });
      await second.close();
      await snapshots.close();
    } finally {
      await store.close();
    }
  });

  it('creates the table once when many stores (and the event store) start on a new schema at once', async () => {
    const schema = uniqueName('race');
    const pools = Array.from({ length: 6 }, () => {
      const p = new pg.Pool({ connectionString: url(), max: 2 });
      p.on('error', () => undefined);
      return p;
    });
    try {
      const snapshotStores = pools.map((p) => new PostgresSnapshotStore(p, schema));
      const [store] = await Promise.all([
        connect(schema),
        ...snapshotStores.map((s) => s.migrate()),
      ]);
      await store.close();
      expect(await recordedVersion(schema)).toBe(SNAPSHOT_SCHEMA_VERSION);
      const count = await sharedPool().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".snapshots_schema`,
      );
      expect(count.rows[0]?.n).toBe(1);
      const [a, b] = snapshotStores as [PostgresSnapshotStore, PostgresSnapshotStore];
      expect(await a.save({ streamId: 'Task-1', version: 2, schemaVersion: 1, state: 'a' })).toBe(
        true,
      );
      expect(await b.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: 'b' })).toBe(
        false,
      );
      expect((await b.load('Task-1'))?.state).toBe('a');
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a snapshot table written by a newer eventfold, leaving it untouched', async () => {
    const schema = uniqueName('newer');
    await new PostgresSnapshotStore(sharedPool(), schema).migrate();
    await sharedPool().query(`UPDATE "${schema}".snapshots_schema SET version = $1`, [
      SNAPSHOT_SCHEMA_VERSION + 1,
    ]);
    const snapshots = new PostgresSnapshotStore(sharedPool(), schema);
    const error = await rejectionOf(snapshots.load('Task-1'));
    expect(MigrationError.is(error)).toBe(true);
    expect((error as MigrationError).message).toMatch(/newer than this eventfold supports/);
    expect(MigrationError.is(await rejectionOf(snapshots.migrate()))).toBe(true);
    expect(await recordedVersion(schema)).toBe(SNAPSHOT_SCHEMA_VERSION + 1);
  });

  it('validates its source, the schema name and stream ids; refuses use after close', async () => {
    expect(() => new PostgresSnapshotStore(sharedPool(), 'a; DROP TABLE x')).toThrow(
      ValidationError,
    );
    expect(() => new PostgresSnapshotStore(sharedPool(), 'pg_catalog')).toThrow(ValidationError);
    expect(() => new PostgresSnapshotStore({} as unknown as pg.Pool)).toThrow(ValidationError);
    expect(new PostgresSnapshotStore(sharedPool()).schema).toBe('eventfold');
    const store = await connect();
    try {
      expect(() => new PostgresSnapshotStore(store.pool, store.schema)).not.toThrow();
      const snapshots = new PostgresSnapshotStore(store);
      const lone = await rejectionOf(
        snapshots.save({ streamId: 'Task-\ud800', version: 1, schemaVersion: 1, state: 1 }),
      );
      expect(ValidationError.is(lone)).toBe(true);
      expect(ValidationError.is(await rejectionOf(snapshots.load('Task-\udc00')))).toBe(true);
      // A lone surrogate inside the state is fine: JSON escapes it.
      await snapshots.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: '\ud800' });
      expect((await snapshots.load('Task-1'))?.state).toBe('\ud800');
      await snapshots.close();
      expect(StoreClosedError.is(await rejectionOf(snapshots.load('Task-1')))).toBe(true);
      expect(StoreClosedError.is(await rejectionOf(snapshots.delete('Task-1')))).toBe(true);
      expect(StoreClosedError.is(await rejectionOf(snapshots.migrate()))).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('PostgresSnapshotStore time limits', () => {
  it("has the event store's statementTimeoutMs, as the key store: a blocked statement fails in time as a lost connection", async () => {
    const schema = uniqueName('slow_snap');
    const store = await PostgresEventStore.connect({
      connectionString: `${url()}?statementTimeoutMs=300`,
      schema,
      notify: false,
    });
    const snapshots = new PostgresSnapshotStore(store);
    await snapshots.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: { n: 1 } });
    const admin = await sharedPool().connect();
    try {
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".snapshots IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      const error = await rejectionOf(snapshots.load('Task-1'));
      const ms = Date.now() - started;
      await admin.query('ROLLBACK');
      expect(DatabaseError.is(error) && error.connectionLost).toBe(true);
      expect((error as Error).message).toContain('Query read timeout');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(2_000);
      expect((await snapshots.load('Task-1'))?.state).toEqual({ n: 1 });
      // The key store of personal data, beside the events too, has the same limit.
      const keys = new PostgresKeyStore(store);
      await keys.load(['u1']);
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".personal_keys IN ACCESS EXCLUSIVE MODE`);
      const keyError = await rejectionOf(keys.load(['u1']));
      await admin.query('ROLLBACK');
      expect(DatabaseError.is(keyError) && keyError.connectionLost).toBe(true);
      // Given a pool, the default limit.
      expect(new PostgresSnapshotStore(store.pool, schema)).toBeInstanceOf(PostgresSnapshotStore);
    } finally {
      admin.release();
      await store.close();
    }
  });
});

describe('W6 on PostgreSQL (smoke: it runs, no timing asserted)', () => {
  it('rehydrates with and without a PostgresSnapshotStore, and drops its schemas', async () => {
    const [postgres] = await aggregateBenchmarksOnBackends({
      backends: ['postgres'],
      connectionString: url(),
      sizes: [25],
      runs: 1,
      warmup: 0,
      eventsPerRun: 50,
    });
    expect(postgres?.error).toBeUndefined();
    expect(postgres?.results.map((r) => [r.size, r.withSnapshot.count])).toEqual([[25, 50]]);
    const { rows } = await sharedPool().query(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_w6_%'",
    );
    expect(rows).toEqual([]);
  });
});
