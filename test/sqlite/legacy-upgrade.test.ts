/**
 * A file written by the release before the single migration runner (its DDL
 * verbatim, test/sqlite/fixtures/legacy-layout.ts) opens with the current
 * code: its schema gains only the tags and event versions (versions 4 and 5), its events (with no tags)
 * and snapshots read back, and both keep working.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readSchemaVersion } from '../../src/stores/sqlite/migrate.js';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
} from '../../src/stores/sqlite/migrations/index.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { SqliteSnapshotStore } from '../../src/stores/sqlite/sqlite-snapshot-store.js';
import { LEGACY_APPLIED_AT, writeLegacyLayout } from './fixtures/legacy-layout.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-legacy-');
afterAll(() => dir.remove());

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

function schemaOf(db: Database.Database): SchemaObject[] {
  return db
    .prepare<[], SchemaObject>('SELECT type, name, sql FROM sqlite_master ORDER BY type, name')
    .all();
}

function ledgers(db: Database.Database): { migrations: unknown[]; snapshots: unknown[] } {
  return {
    migrations: db
      .prepare('SELECT version, name, applied_at FROM eventfold_migrations ORDER BY version')
      .all(),
    snapshots: db.prepare('SELECT id, version FROM eventfold_snapshots_schema').all(),
  };
}

/** A legacy file with two events, a snapshot and a checkpoint, as the old release left it. */
function legacyFile(eventVersion?: number): string {
  const file = dir.file();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  writeLegacyLayout(db, eventVersion === undefined ? {} : { eventVersion });
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
    'TaskRenamed',
    'Task',
    '{"title":"older"}',
    '{"by":"ann"}',
    1_700_000_000_001,
  );
  db.prepare('INSERT INTO eventfold_snapshots VALUES (?, ?, ?, ?, ?)').run(
    'Task-1',
    2,
    1,
    '{"title":"older"}',
    1_700_000_000_002,
  );
  if ((eventVersion ?? 3) >= 3) {
    db.prepare('INSERT INTO eventfold_checkpoints VALUES (?, ?, ?)').run(
      'projector',
      '00000000000000000001',
      1_700_000_000_003,
    );
  }
  db.close();
  return file;
}

describe('SQLite: a file of the release before the single migration runner', () => {
  it('opens at version 3, adds tags only: same other schema objects, same ledger rows, same data', async () => {
    const file = legacyFile();
    const before = new Database(file);
    const schema = schemaOf(before);
    const recorded = ledgers(before);
    before.close();
    const legacy = MIGRATIONS.filter((m) => m.version <= 3);
    expect(recorded).toEqual({
      migrations: legacy.map((m) => ({
        version: m.version,
        name: m.name,
        applied_at: LEGACY_APPLIED_AT,
      })),
      snapshots: [{ id: 1, version: SNAPSHOT_SCHEMA_VERSION }],
    });

    {
      await using store = new SqliteEventStore(file);
      await using snapshots = new SqliteSnapshotStore(store);
      const stream = await store.read('Task-1');
      expect(stream.version).toBe(2);
      expect(
        stream.events.map((e) => [e.type, e.data, e.metadata, e.recordedAt.getTime(), e.tags]),
      ).toEqual([
        ['TaskCreated', { title: 'old' }, {}, 1_700_000_000_000, []],
        ['TaskRenamed', { title: 'older' }, { by: 'ann' }, 1_700_000_000_001, []],
      ]);
      const feed = await store.readAll().toArray();
      expect(feed.map((e) => e.tags)).toEqual([[], []]);
      const byType = await store.readByQuery({ items: [{ types: ['TaskRenamed'] }] });
      expect(byType.events.map((e) => [e.version, e.tags])).toEqual([[2, []]]);
      expect(byType.position).toBe(feed[1]?.position);
      expect(await snapshots.load('Task-1')).toEqual({
        streamId: 'Task-1',
        version: 2,
        schemaVersion: 1,
        state: { title: 'older' },
        createdAt: new Date(1_700_000_000_002),
      });
      const appended = await store.append(
        'Task-1',
        [{ type: 'TaskDone', data: {}, tags: ['task:1'] }],
        { expectedVersion: 2 },
      );
      expect(appended.version).toBe(3);
      const tagged = await store.readByQuery({ items: [{ tags: ['task:1'] }] });
      expect(tagged.events.map((e) => [e.version, e.tags])).toEqual([[3, ['task:1']]]);
      expect(
        await snapshots.save({ streamId: 'Task-1', version: 3, schemaVersion: 1, state: 'done' }),
      ).toBe(true);
    }

    const after = new Database(file);
    try {
      const isNew = (o: SchemaObject) =>
        o.name.startsWith('eventfold_event_tags') ||
        o.name.startsWith('eventfold_stream_states') ||
        o.name.startsWith('eventfold_group_members');
      const others = (list: SchemaObject[]) =>
        list.filter((o) => !isNew(o) && o.name !== 'eventfold_events');
      const now = schemaOf(after);
      expect(others(now)).toEqual(others(schema));
      expect(now.filter(isNew).map((o) => o.name)).toContain('eventfold_event_tags');
      expect(now.filter(isNew).map((o) => o.name)).toContain('eventfold_stream_states');
      expect(now.filter(isNew).map((o) => o.name)).toContain('eventfold_group_members');
      expect(now.find((o) => o.name === 'eventfold_events')?.sql).toMatch(
        /tags TEXT, schema_version INTEGER\)$/,
      );
      const { migrations } = ledgers(after);
      expect(migrations.slice(0, 3)).toEqual(recorded.migrations);
      expect(migrations.slice(3).map((m) => (m as { name: string }).name)).toEqual([
        'event-tags',
        'event-schema-versions',
        'stream-states',
        'stream-metadata',
        'group-members',
      ]);
      expect(readSchemaVersion(after)).toBe(SCHEMA_VERSION);
      expect(readSchemaVersion(after, SNAPSHOT_MIGRATIONS)).toBe(SNAPSHOT_SCHEMA_VERSION);
      expect(
        after.prepare('SELECT tags FROM eventfold_events ORDER BY position').pluck().all(),
      ).toEqual([null, null, '["task:1"]']);
      expect(after.prepare('SELECT name, position FROM eventfold_checkpoints').all()).toEqual([
        { name: 'projector', position: '00000000000000000001' },
      ]);
      expect(
        after.prepare('SELECT stream_id, version, state FROM eventfold_snapshots').all(),
      ).toEqual([{ stream_id: 'Task-1', version: 3, state: '"done"' }]);
    } finally {
      after.close();
    }
  });

  it('brings an older event schema up to date and keeps the snapshot table as it is', async () => {
    const file = legacyFile(1);
    {
      await using store = new SqliteEventStore(file);
      await using snapshots = new SqliteSnapshotStore(store);
      expect(
        (await store.readAll({ types: ['TaskRenamed'] }).toArray()).map((e) => e.version),
      ).toEqual([2]);
      expect((await snapshots.load('Task-1'))?.state).toEqual({ title: 'older' });
    }
    const after = new Database(file);
    try {
      const { migrations, snapshots } = ledgers(after);
      const rows = migrations as { version: number; name: string; applied_at: string }[];
      expect(rows.map((r) => [r.version, r.name])).toEqual(
        MIGRATIONS.map((m) => [m.version, m.name]),
      );
      expect(rows[0]?.applied_at).toBe(LEGACY_APPLIED_AT);
      for (const row of rows.slice(1)) {
        expect(row.applied_at > LEGACY_APPLIED_AT).toBe(true); // applied now, as ISO text
        expect(new Date(row.applied_at).toISOString()).toBe(row.applied_at);
      }
      expect(snapshots).toEqual([{ id: 1, version: SNAPSHOT_SCHEMA_VERSION }]);
    } finally {
      after.close();
    }
  });

  it('gives a legacy file without snapshots its snapshot table on the first snapshot store only', async () => {
    const file = dir.file();
    const db = new Database(file);
    writeLegacyLayout(db, { snapshots: false });
    try {
      const store = new SqliteEventStore(db);
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(0);
      const snapshots = new SqliteSnapshotStore(store);
      expect(readSchemaVersion(db, SNAPSHOT_MIGRATIONS)).toBe(SNAPSHOT_SCHEMA_VERSION);
      expect(
        await snapshots.save({ streamId: 'T-1', version: 1, schemaVersion: 1, state: 1 }),
      ).toBe(true);
      await snapshots.close();
      await store.close();
    } finally {
      db.close();
    }
  });
});
