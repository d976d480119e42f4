import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEventStore,
  MigrationError,
  StoreClosedError,
  ValidationError,
} from '../../src/index.js';
import { PostgresEventStore, SCHEMA_VERSION } from '../../src/stores/postgres/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { event } from './helpers.js';

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
    ).rejects.toThrow(/newer than this eventfold supports/);
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
