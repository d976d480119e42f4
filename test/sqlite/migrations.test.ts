import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, MigrationError } from '../../src/index.js';
import { migrate, readSchemaVersion } from '../../src/stores/sqlite/migrate.js';
import { MIGRATIONS } from '../../src/stores/sqlite/migrations/index.js';
import { SQLITE_SCHEMA_VERSION, SqliteEventStore } from '../../src/stores/sqlite/index.js';
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
  it('numbers the migrations 1, 2, … without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SQLITE_SCHEMA_VERSION).toBe(MIGRATIONS.length);
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
    migrate(db, 1);
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
    expect(readSchemaVersion(after)).toBe(SQLITE_SCHEMA_VERSION);
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
      SQLITE_SCHEMA_VERSION + 1,
      'from-the-future',
      new Date().toISOString(),
    );
    db.close();

    expect(() => new SqliteEventStore(file)).toThrow(MigrationError);
    expect(() => new SqliteEventStore(file)).toThrow(/newer eventfold/);
    await expect(createEventStore(`sqlite://${file}`)).rejects.toMatchObject({ code: 'MIGRATION' });

    const check = new Database(file);
    expect(readSchemaVersion(check)).toBe(SQLITE_SCHEMA_VERSION + 1);
    check.close();
  });

  it('reports a schema that cannot be created as a MigrationError', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE eventfold_events (x INTEGER)'); // a foreign table in the way
    expect(() => new SqliteEventStore(db)).toThrow(MigrationError);
    expect(readSchemaVersion(db)).toBe(0); // rolled back
    db.close();
  });
});
