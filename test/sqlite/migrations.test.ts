import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, MigrationError } from '../../src/index.js';
import { migrate, readSchemaVersion } from '../../src/stores/sqlite/migrate.js';
import {
  EVENT_MIGRATIONS,
  MIGRATIONS,
  SCHEMA_VERSION,
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
  type MigrationSet,
} from '../../src/stores/sqlite/migrations/index.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();
afterAll(() => dir.remove());

function indexNames(db: Database.Database): string[] {
  return db
    .prepare<[], string>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'eventfold_events' ORDER BY name",
    )
    .pluck()
    .all();
}

describe('SQLite schema migrations', () => {
  it('numbers the migrations of both sets 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(EVENT_MIGRATIONS.migrations).toBe(MIGRATIONS);
    expect(SCHEMA_VERSION).toBe(8);
    expect(SNAPSHOT_MIGRATIONS.migrations.map((m) => m.version)).toEqual([1]);
    expect(SNAPSHOT_SCHEMA_VERSION).toBe(1);
  });

  it('names migration files NNNN-name.ts, numbered as their versions', () => {
    const folder = new URL('../../src/stores/sqlite/migrations/', import.meta.url);
    const files = (path: string) =>
      readdirSync(new URL(path, folder)).filter(
        (f) => f.endsWith('.ts') && !['index.ts', 'migration.ts'].includes(f),
      );
    expect(files('.')).toEqual([
      '0001-create-events.ts',
      '0002-feed-filter-indexes.ts',
      '0003-subscriptions.ts',
      '0004-event-tags.ts',
      '0005-event-schema-versions.ts',
      '0006-stream-states.ts',
      '0007-stream-metadata.ts',
      '0008-group-members.ts',
    ]);
    expect(files('./snapshots/')).toEqual(['0001-create-snapshots.ts']);
    const named = (set: MigrationSet) =>
      set.migrations.map((m) => `${String(m.version).padStart(4, '0')}-${m.name}.ts`);
    expect(named(EVENT_MIGRATIONS)).toEqual(files('.'));
    expect(named(SNAPSHOT_MIGRATIONS)).toEqual(files('./snapshots/'));
  });

  it('creates the schema on a new file and records every migration once', async () => {
    const file = dir.file();
    const store = new SqliteEventStore(file);
    await store.append('a-1', [{ type: 'A', data: {} }]);
    await store.close();
    const again = new SqliteEventStore(file);
    await again.close();
    const db = new Database(file);
    const rows = db
      .prepare<[], { version: number; name: string }>(
        'SELECT version, name FROM eventfold_migrations ORDER BY version',
      )
      .all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('migrates a file written at an older schema version, keeping its events', async () => {
    const file = dir.file();
    const db = new Database(file);
    migrate(db, EVENT_MIGRATIONS, 1);
    expect(readSchemaVersion(db)).toBe(1);
    expect(indexNames(db)).not.toContain('eventfold_events_type');
    const insert = db.prepare(
      `INSERT INTO eventfold_events (stream_id, version, event_id, type, category, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insert.run(
      'Task-1',
      1,
      '0190f000-0000-7000-8000-000000000001',
      'TaskCreated',
      'Task',
      '{"title":"old"}',
      null,
      1_700_000_000_000,
    );
    insert.run(
      'Task-1',
      2,
      '0190f000-0000-7000-8000-000000000002',
      'TaskDone',
      'Task',
      '{}',
      '{"correlationId":"c-1"}',
      1_700_000_000_001,
    );
    db.close();

    const store = new SqliteEventStore(file);
    const stream = await store.read('Task-1');
    expect(stream.version).toBe(2);
    expect(stream.events.map((e) => [e.type, e.data, e.metadata, e.recordedAt.getTime()])).toEqual([
      ['TaskCreated', { title: 'old' }, {}, 1_700_000_000_000],
      ['TaskDone', {}, { correlationId: 'c-1' }, 1_700_000_000_001],
    ]);
    const done = await store.readAll({ types: ['TaskDone'] }).toArray();
    expect(done.map((e) => e.version)).toEqual([2]);
    await store.append('Task-1', [{ type: 'TaskReopened', data: {} }], { expectedVersion: 2 });
    await store.close();

    const after = new Database(file);
    expect(readSchemaVersion(after)).toBe(SCHEMA_VERSION);
    expect(indexNames(after)).toEqual(
      expect.arrayContaining(['eventfold_events_type', 'eventfold_events_category']),
    );
    after.close();
  });

  it('refuses a file written by a newer eventfold with a MigrationError and leaves it unchanged', async () => {
    const file = dir.file();
    await new SqliteEventStore(file).close();
    const db = new Database(file);
    db.prepare('INSERT INTO eventfold_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      SCHEMA_VERSION + 1,
      'from-the-future',
      new Date().toISOString(),
    );
    db.close();

    expect(() => new SqliteEventStore(file)).toThrow(MigrationError);
    expect(() => new SqliteEventStore(file)).toThrow(/newer eventfold/);
    await expect(createEventStore(`sqlite://${file}`)).rejects.toMatchObject({ code: 'MIGRATION' });

    const check = new Database(file);
    expect(readSchemaVersion(check)).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('reports a schema that cannot be created as a MigrationError', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE eventfold_events (x INTEGER)'); // a foreign table in the way
    expect(() => new SqliteEventStore(db)).toThrow(MigrationError);
    expect(readSchemaVersion(db)).toBe(0); // rolled back
    db.close();
  });

  it('runs the snapshot table through the same runner, with a ledger of its own', () => {
    const db = new Database(':memory:');
    try {
      migrate(db);
      const tables = () =>
        db
          .prepare<[], string>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'eventfold%' ORDER BY name",
          )
          .pluck()
          .all();
      expect(tables()).not.toContain('eventfold_snapshots');
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(0);
      migrate(db, SNAPSHOT_MIGRATIONS);
      migrate(db, SNAPSHOT_MIGRATIONS); // current: only reads its version
      expect(tables()).toEqual([
        'eventfold_checkpoints',
        'eventfold_dead_letters',
        'eventfold_event_tags',
        'eventfold_events',
        'eventfold_group_members',
        'eventfold_leases',
        'eventfold_migrations',
        'eventfold_snapshots',
        'eventfold_snapshots_schema',
        'eventfold_stream_states',
      ]);
      expect(db.prepare('SELECT id, version FROM eventfold_snapshots_schema').all()).toEqual([
        { id: 1, version: 1 },
      ]);
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(1);
      expect(readSchemaVersion(db)).toBe(SCHEMA_VERSION); // the event ledger is untouched
      expect(db.prepare('SELECT count(*) FROM eventfold_migrations').pluck().get()).toBe(
        SCHEMA_VERSION,
      );
    } finally {
      db.close();
    }
  });

  it('refuses a snapshot table of a newer eventfold, naming the set, and leaves it unchanged', () => {
    const db = new Database(':memory:');
    try {
      migrate(db, SNAPSHOT_MIGRATIONS);
      db.prepare('UPDATE eventfold_snapshots_schema SET version = 2').run();
      let error: unknown;
      try {
        migrate(db, SNAPSHOT_MIGRATIONS);
      } catch (thrown) {
        error = thrown;
      }
      expect(MigrationError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        'SQLite database ":memory:" has snapshot table version 2, but this eventfold knows versions up to 1: ' +
          'it was written by a newer eventfold. Upgrade eventfold to open it; the file was not changed.',
      );
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(2);
      expect(readSchemaVersion(db)).toBe(0); // the event schema was not created either
    } finally {
      db.close();
    }
  });

  it('rolls a failing migration of a set back, whole, as a MigrationError naming the set', () => {
    const db = new Database(':memory:');
    const broken: MigrationSet = {
      subject: 'test set',
      migrations: [
        { version: 1, name: 'one', sql: 'CREATE TABLE test_one (x INTEGER)' },
        { version: 2, name: 'two', sql: 'CREATE TABLE test_one (y INTEGER)' },
      ],
      ledger: SNAPSHOT_MIGRATIONS.ledger,
    };
    try {
      expect(() => migrate(db, broken)).toThrow(
        /^Could not migrate the test set of SQLite database ":memory:": table test_one already exists$/,
      );
      expect(readSchemaVersion(db, broken)).toBe(0);
      expect(
        db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'test_one'").pluck().get(),
      ).toBe(0);
      migrate(db, broken, 1); // up to a target: only the first
      expect(readSchemaVersion(db, broken)).toBe(1);
    } finally {
      db.close();
    }
  });
});
