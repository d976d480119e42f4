import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  DatabaseError,
  MigrationError,
  StoreClosedError,
  ValidationError,
} from '../../src/index.js';
import { migrate } from '../../src/stores/postgres/migrate.js';
import {
  EVENT_MIGRATIONS,
  MIGRATIONS,
  SCHEMA_VERSION,
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
  type MigrationSet,
} from '../../src/stores/postgres/migrations/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/postgres-event-store.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { event } from './helpers.js';
import { rejection } from '../support/rejection.js';

let database: TestDatabase;

/** int8 as BigInt, timestamptz as the raw text, the rest as pg does. */
function customParser(oid: number): (value: string) => unknown {
  if (oid === 20) return (value) => BigInt(value);
  if (oid === 1184) return (value) => value;
  const defaults = pg.types.getTypeParser as unknown as (
    oid: number,
    format: 'text',
  ) => (value: string) => unknown;
  const parse = defaults(oid, 'text');
  return (value) => parse(value);
}

function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}
beforeAllOrFail(async () => {
  database = await createTestDatabase('migrations');
});
afterAll(async () => {
  await database?.drop();
});

/** A pool of its own for a test (its late connection errors are ignored). */
function testPool(max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString: database.url, max });
  pool.on('error', () => undefined);
  return pool;
}

describe('PostgreSQL migration sets', () => {
  it('numbers the migrations of both sets 1, 2, … and names their files NNNN-name.ts', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(EVENT_MIGRATIONS.migrations).toBe(MIGRATIONS);
    expect(SCHEMA_VERSION).toBe(7);
    expect(SNAPSHOT_MIGRATIONS.migrations.map((m) => m.version)).toEqual([1]);
    expect(SNAPSHOT_SCHEMA_VERSION).toBe(1);
    const folder = new URL('../../src/stores/postgres/migrations/', import.meta.url);
    const files = (path: string) =>
      readdirSync(new URL(path, folder)).filter(
        (f) => f.endsWith('.ts') && !['index.ts', 'migration.ts'].includes(f),
      );
    expect(files('.')).toEqual([
      '0001-initial.ts',
      '0002-subscriptions.ts',
      '0003-tags-and-commit.ts',
      '0004-event-schema-versions.ts',
      '0005-stream-states.ts',
      '0006-stream-metadata.ts',
      '0007-group-members.ts',
    ]);
    expect(files('./snapshots/')).toEqual(['0001-create-snapshots.ts']);
    const numbers = (set: MigrationSet) =>
      set.migrations.map((m) => String(m.version).padStart(4, '0'));
    expect(numbers(EVENT_MIGRATIONS)).toEqual(files('.').map((f) => f.slice(0, 4)));
    expect(numbers(SNAPSHOT_MIGRATIONS)).toEqual(files('./snapshots/').map((f) => f.slice(0, 4)));
  });

  it('runs both sets through one runner, each recorded in its own ledger, once under races', async () => {
    const schema = uniqueName('sets');
    const pools = Array.from({ length: 4 }, () => testPool(2));
    try {
      await Promise.all(
        pools.flatMap((pool, i) => [
          migrate(pool, schema, [], true, i % 2 === 0 ? EVENT_MIGRATIONS : SNAPSHOT_MIGRATIONS),
          migrate(pool, schema, [], true, i % 2 === 0 ? SNAPSHOT_MIGRATIONS : EVENT_MIGRATIONS),
        ]),
      );
      const [pool] = pools as [pg.Pool];
      const events = await pool.query(
        `SELECT version, name FROM "${schema}".migrations ORDER BY version`,
      );
      expect(events.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      const snapshots = await pool.query(`SELECT id, version FROM "${schema}".snapshots_schema`);
      expect(snapshots.rows).toEqual([{ id: 1, version: SNAPSHOT_SCHEMA_VERSION }]);
      const tables = await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'checkpoints',
        'dead_letters',
        'event_tags',
        'events',
        'group_members',
        'migrations',
        'snapshots',
        'snapshots_schema',
        'streams',
      ]);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('only checks a set with apply: false, naming the set', async () => {
    const schema = uniqueName('check');
    const pool = testPool();
    try {
      const error = await rejection(migrate(pool, schema, [], false, SNAPSHOT_MIGRATIONS));
      expect(MigrationError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        `The snapshot table of schema "${schema}" is at version 0, eventfold needs 1; run with migrations enabled`,
      );
      const exists = await pool.query('SELECT to_regnamespace($1) IS NOT NULL AS found', [schema]);
      expect(exists.rows).toEqual([{ found: false }]);
      await migrate(pool, schema, [], true, SNAPSHOT_MIGRATIONS);
      await migrate(pool, schema, [], false, SNAPSHOT_MIGRATIONS);
      await pool.query(`UPDATE "${schema}".snapshots_schema SET version = 2`);
      const newer = await rejection(migrate(pool, schema, [], true, SNAPSHOT_MIGRATIONS));
      expect((newer as Error).message).toBe(
        `The snapshot table of schema "${schema}" is at version 2, newer than this eventfold supports (1); upgrade eventfold`,
      );
    } finally {
      await pool.end();
    }
  });

  it('applies the missing migrations of a set in one transaction: a failure leaves nothing', async () => {
    const schema = uniqueName('fail');
    const pool = testPool();
    const broken: MigrationSet = {
      subject: 'test set',
      migrations: [
        { version: 1, name: 'one', sql: (s) => `CREATE TABLE ${s}.one (x int)` },
        { version: 2, name: 'two', sql: (s) => `CREATE TABLE ${s}.one (y int)` },
      ],
      ledger: SNAPSHOT_MIGRATIONS.ledger,
    };
    try {
      const error = await rejection(migrate(pool, schema, [], true, broken));
      expect(MigrationError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        `PostgreSQL migration 2 (two) of the test set of schema "${schema}" failed: relation "one" already exists (SQLSTATE 42P07)`,
      );
      const cause = (error as Error).cause;
      expect(DatabaseError.is(cause)).toBe(true);
      const exists = await pool.query('SELECT to_regnamespace($1) IS NOT NULL AS found', [schema]);
      expect(exists.rows).toEqual([{ found: false }]); // even the schema was rolled back
      expect(pool.totalCount - pool.idleCount).toBe(0); // the client went back
    } finally {
      await pool.end();
    }
  });
});

describe('PostgreSQL schema and migrations', () => {
  it('migrates one fresh schema exactly once when several stores start at once', async () => {
    const schema = uniqueName('m');
    const stores = await Promise.all(
      Array.from({ length: 8 }, () =>
        PostgresEventStore.connect({
          connectionString: database.url,
          schema,
          poolConfig: { max: 2 },
        }),
      ),
    );
    try {
      const { rows } = await at(stores, 0).pool.query<{ version: number }>(
        `SELECT version FROM "${schema}".migrations ORDER BY version`,
      );
      expect(rows.map((r) => r.version)).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
      await Promise.all(stores.map((store, i) => store.append(`Start-${i}`, [event('Started')])));
      expect(await at(stores, 7).readAll().toArray()).toHaveLength(8);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('migrates lazily on first use, also from several stores at once', async () => {
    const schema = uniqueName('lazy');
    const stores = Array.from(
      { length: 4 },
      () => new PostgresEventStore({ connectionString: database.url, schema }),
    );
    try {
      await Promise.all(stores.map((store, i) => store.append(`Lazy-${i}`, [event('A')])));
      expect(await at(stores, 0).readAll().toArray()).toHaveLength(4);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('rejects invalid schema names before touching the database', async () => {
    const bad: unknown[] = [
      '',
      'Events',
      'a-b',
      'a b',
      'a;drop table x',
      '1abc',
      'pg_events',
      'x'.repeat(49),
      'é',
      42,
    ];
    for (const schema of bad) {
      expect(
        () => new PostgresEventStore({ connectionString: database.url, schema: schema as string }),
      ).toThrow(ValidationError);
    }
    await expect(createEventStore(`${database.url}?schema=Bad-Name`)).rejects.toThrow(
      ValidationError,
    );
    for (const schema of ['events', '_x', 'a1_b2', 'x'.repeat(48)]) {
      const store = new PostgresEventStore({ connectionString: database.url, schema });
      expect(store.schema).toBe(schema);
      await store.close();
    }
  });

  it('takes the schema from the URL, for postgres:// and postgresql://', async () => {
    const schema = uniqueName('url');
    const url = new URL(database.url);
    url.searchParams.set('schema', schema);
    for (const scheme of ['postgresql:', 'postgres:']) {
      url.protocol = scheme;
      const store = await createEventStore(url.toString());
      if (!(store instanceof PostgresEventStore)) throw new Error('not a PostgresEventStore');
      expect(store.schema).toBe(schema);
      await store.append('Url-1', [event('A')]);
      await store.close();
    }
    const reopened = await PostgresEventStore.connect({ connectionString: database.url, schema });
    expect(await reopened.getVersion('Url-1')).toBe(2);
    await reopened.close();
  });

  it('with migrate: false, refuses a schema that is not current', async () => {
    const schema = uniqueName('nomig');
    const store = new PostgresEventStore({
      connectionString: database.url,
      schema,
      migrate: false,
    });
    await expect(store.getVersion('a-1')).rejects.toThrow(MigrationError);
    await (await PostgresEventStore.connect({ connectionString: database.url, schema })).close();
    expect(await store.getVersion('a-1')).toBe(0);
    await store.close();
  });

  it('refuses a schema migrated by a newer eventfold', async () => {
    const schema = uniqueName('newer');
    const store = await PostgresEventStore.connect({ connectionString: database.url, schema });
    await store.pool.query(
      `INSERT INTO "${schema}".migrations (version, name) VALUES ($1, 'from the future')`,
      [SCHEMA_VERSION + 1],
    );
    await store.close();
    await expect(
      PostgresEventStore.connect({ connectionString: database.url, schema }),
    ).rejects.toThrow(
      `The eventfold schema of schema "${schema}" is at version ${SCHEMA_VERSION + 1}, newer than this eventfold supports (${SCHEMA_VERSION}); upgrade eventfold`,
    );
  });

  it('uses a pool of yours and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const ignore = () => undefined;
    try {
      const store = await PostgresEventStore.connect({ pool, schema: uniqueName('pool') });
      await store.append('Pool-1', [event('A')]);
      await store.close();
      await store.close();
      await expect(store.getVersion('Pool-1')).rejects.toThrow(StoreClosedError);
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0]?.one).toBe(1);
      expect(pool.listenerCount('error')).toBe(0);
    } finally {
      pool.on('error', ignore); // clients still closing when the database is dropped
      await pool.end();
    }
    // A pool whose int8 and timestamptz parsers differ from pg's defaults reads the same events.
    const custom = new pg.Pool({
      connectionString: database.url,
      types: { getTypeParser: customParser as typeof pg.types.getTypeParser },
    });
    custom.on('error', ignore);
    try {
      const schema = uniqueName('types');
      const plain = await PostgresEventStore.connect({ connectionString: database.url, schema });
      const parsed = await PostgresEventStore.connect({ pool: custom, schema });
      const appended = await parsed.append('Types-1', [event('A'), event('B')]);
      expect(appended.position).toBe((await plain.read('Types-1')).events[1]?.position);
      const [viaPlain, viaCustom] = [
        await plain.readAll().toArray(),
        await parsed.readAll().toArray(),
      ];
      expect(viaCustom.map((e) => [e.position, e.version, e.recordedAt.getTime()])).toEqual(
        viaPlain.map((e) => [e.position, e.version, e.recordedAt.getTime()]),
      );
      expect((await parsed.read('Types-1')).version).toBe(2);
      await plain.close();
      await parsed.close();
    } finally {
      await custom.end();
    }
    expect(
      () => new PostgresEventStore({ pool: new pg.Pool(), connectionString: database.url }),
    ).toThrow(ValidationError);
  });
});
