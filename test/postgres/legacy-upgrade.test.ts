/**
 * A schema written by the release before the single migration runner (its
 * DDL verbatim, test/postgres/fixtures/legacy-layout.ts) opens with the
 * current code: nothing in its catalog changes but what the later migrations
 * add (tags, `commit_events`), its events and snapshots read back, and both
 * keep working.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SNAPSHOT_SCHEMA_VERSION } from '../../src/stores/postgres/migrations/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/postgres-event-store.js';
import { PostgresSnapshotStore } from '../../src/stores/postgres/postgres-snapshot-store.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { LEGACY_MIGRATION_NAMES, writeLegacyLayout } from './fixtures/legacy-layout.js';
import { rawClient } from './helpers.js';

const database = useTestDatabase('legacy');

/** Everything the catalog says about a schema: columns, constraints, indexes, functions. */
async function catalogOf(client: pg.ClientBase, schema: string): Promise<unknown> {
  const columns = await client.query(
    `SELECT table_name, column_name, data_type, is_nullable, column_default
     FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const constraints = await client.query(
    `SELECT c.relname AS table_name, k.conname, pg_get_constraintdef(k.oid) AS definition
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     WHERE c.relnamespace = to_regnamespace($1) ORDER BY 1, 2`,
    [`"${schema}"`],
  );
  const indexes = await client.query(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname',
    [schema],
  );
  const functions = await client.query(
    `SELECT proname, pg_get_function_arguments(oid) AS args, md5(prosrc) AS body
     FROM pg_proc WHERE pronamespace = to_regnamespace($1) ORDER BY proname`,
    [`"${schema}"`],
  );
  return {
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    functions: functions.rows,
  };
}

interface Catalog {
  columns: { table_name: string; column_name: string }[];
  constraints: { table_name: string; conname?: string }[];
  indexes: { indexname: string }[];
  functions: { proname: string }[];
}

/**
 * A catalog without what migrations 3 to 7 add: the `events.tags` and
 * `events.schema_version` columns, the `streams` columns of deletion,
 * truncation and metadata (and its version check, relaxed to allow 0), the `event_tags`
 * and `group_members` tables, `commit_events`.
 */
function withoutMigrations3And4(catalog: unknown): unknown {
  const c = catalog as Catalog;
  const added: Record<string, readonly string[]> = {
    events: ['tags', 'schema_version'],
    streams: [
      'deleted_version',
      'truncate_before',
      'hard',
      'metadata',
      'metadata_version',
      'max_age',
      'max_count',
    ],
  };
  return {
    columns: c.columns.filter(
      (r) =>
        !['event_tags', 'group_members'].includes(r.table_name) &&
        !(added[r.table_name] ?? []).includes(r.column_name),
    ),
    // Migration 5 lets a stream row be at version 0 (a hard-deleted stream that never had events).
    constraints: c.constraints.filter(
      (r) =>
        !['event_tags', 'group_members'].includes(r.table_name) &&
        r.conname !== 'streams_version_check',
    ),
    indexes: c.indexes.filter(
      (r) => r.indexname !== 'event_tags_pkey' && r.indexname !== 'group_members_pkey',
    ),
    functions: c.functions.filter((r) => r.proname !== 'commit_events'),
  };
}

async function ledgersOf(client: pg.ClientBase, schema: string): Promise<unknown> {
  const migrations = await client.query(
    `SELECT version, name, applied_at FROM "${schema}".migrations ORDER BY version`,
  );
  const snapshots = await client.query(`SELECT id, version FROM "${schema}".snapshots_schema`);
  return { migrations: migrations.rows, snapshots: snapshots.rows };
}

/** A legacy schema with two events (written by its own `append_events`) and a snapshot. */
async function legacySchema(client: pg.ClientBase, eventVersion?: number): Promise<string> {
  const schema = uniqueName('legacy');
  await writeLegacyLayout(client, schema, eventVersion === undefined ? {} : { eventVersion });
  await client.query(
    `SELECT o_status FROM "${schema}".append_events($1, $2, $3, $4::uuid[], $5::text[], $6::text[], $7::text[], NULL)`,
    [
      'Task-1',
      'Task',
      0,
      ['0190f000-0000-7000-8000-000000000001', '0190f000-0000-7000-8000-000000000002'],
      ['TaskCreated', 'TaskRenamed'],
      ['{"title":"old"}', '{"title":"older"}'],
      [null, '{"by":"ann"}'],
    ],
  );
  await client.query(
    `INSERT INTO "${schema}".snapshots (stream_id, version, schema_version, state, created_at)
     VALUES ('Task-1', 2, 1, '{"title":"older"}', to_timestamp(1700000000.002))`,
  );
  return schema;
}

describe('PostgreSQL: a schema of the release before the single migration runner', () => {
  it('opens with only migrations 3 to 7 added: same catalog otherwise, same ledgers, same data', async () => {
    const admin = await rawClient(database().url);
    try {
      const schema = await legacySchema(admin);
      const catalog = await catalogOf(admin, schema);
      const ledgers = await ledgersOf(admin, schema);
      expect((ledgers as { migrations: { name: string }[] }).migrations.map((m) => m.name)).toEqual(
        LEGACY_MIGRATION_NAMES,
      );

      {
        await using store = await PostgresEventStore.connect({
          connectionString: database().url,
          schema,
        });
        await using snapshots = new PostgresSnapshotStore(store);
        await snapshots.migrate();
        const stream = await store.read('Task-1');
        expect(stream.events.map((e) => [e.version, e.type, e.data, e.metadata, e.tags])).toEqual([
          [1, 'TaskCreated', { title: 'old' }, {}, []],
          [2, 'TaskRenamed', { title: 'older' }, { by: 'ann' }, []],
        ]);
        expect(await snapshots.load('Task-1')).toEqual({
          streamId: 'Task-1',
          version: 2,
          schemaVersion: 1,
          state: { title: 'older' },
          createdAt: new Date(1_700_000_000_002),
        });
        expect(
          (await store.append('Task-1', [{ type: 'TaskDone', data: {} }], { expectedVersion: 2 }))
            .version,
        ).toBe(3);
        expect(
          await snapshots.save({ streamId: 'Task-1', version: 3, schemaVersion: 1, state: 'done' }),
        ).toBe(true);
        // A store that may not migrate finds the schema current.
        await using checking = new PostgresEventStore({
          connectionString: database().url,
          schema,
          migrate: false,
        });
        expect(await checking.getVersion('Task-1')).toBe(3);
      }

      const after = (await catalogOf(admin, schema)) as Catalog;
      expect(withoutMigrations3And4(after)).toEqual(withoutMigrations3And4(catalog));
      expect(after.indexes.map((i) => i.indexname)).toContain('event_tags_pkey');
      expect(after.functions.map((f) => f.proname)).toContain('commit_events');
      const { migrations, snapshots: snapshotLedger } = (await ledgersOf(admin, schema)) as {
        migrations: { version: number; name: string }[];
        snapshots: unknown;
      };
      const before = ledgers as { migrations: unknown[]; snapshots: unknown };
      expect(migrations.slice(0, before.migrations.length)).toEqual(before.migrations);
      expect(migrations.slice(before.migrations.length).map((m) => m.version)).toEqual([
        3, 4, 5, 6, 7,
      ]);
      expect(snapshotLedger).toEqual(before.snapshots);
      const rows = await admin.query(`SELECT stream_id, version, state FROM "${schema}".snapshots`);
      expect(rows.rows).toEqual([{ stream_id: 'Task-1', version: '3', state: '"done"' }]);
    } finally {
      await admin.end();
    }
  });

  it('brings an older event schema up to date and keeps the snapshot table as it is', async () => {
    const admin = await rawClient(database().url);
    try {
      const schema = await legacySchema(admin, 1);
      {
        await using store = await PostgresEventStore.connect({
          connectionString: database().url,
          schema,
        });
        await using snapshots = new PostgresSnapshotStore(store);
        expect((await store.read('Task-1')).version).toBe(2);
        expect((await snapshots.load('Task-1'))?.state).toEqual({ title: 'older' });
      }
      const migrations = await admin.query<{ version: number; name: string }>(
        `SELECT version, name FROM "${schema}".migrations ORDER BY version`,
      );
      expect(migrations.rows).toEqual(
        MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
      );
      const snapshots = await admin.query(`SELECT id, version FROM "${schema}".snapshots_schema`);
      expect(snapshots.rows).toEqual([{ id: 1, version: SNAPSHOT_SCHEMA_VERSION }]);
    } finally {
      await admin.end();
    }
  });
});
