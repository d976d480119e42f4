/**
 * A SQLite file written by older programs replays with the current one: rows
 * of the release before event versions (schema 4, no `schema_version`
 * column), then events of a program whose registry holds version 2, read
 * through the version 3 registry. Stored bytes are never rewritten.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SerializationError, type RecordedEvent } from '../../src/index.js';
import { migrate, readSchemaVersion } from '../../src/stores/sqlite/migrate.js';
import { EVENT_MIGRATIONS, SCHEMA_VERSION } from '../../src/stores/sqlite/migrations/index.js';
import { SqliteEventStore } from '../../src/stores/sqlite/sqlite-event-store.js';
import { registries, TaskCreatedV2, TaskCreatedV3 } from '../support/task-versions.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-upcast-');
afterAll(() => dir.remove());

/** A file at schema 4 with two version 1 events, inserted as the release before versions did. */
function fileOfTheLastRelease(): string {
  const file = dir.file();
  const db = new Database(file);
  try {
    migrate(db, EVENT_MIGRATIONS, 4);
    const insert = db.prepare(
      `INSERT INTO eventfold_events (stream_id, version, event_id, type, category, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, 'Task', ?, NULL, ?)`,
    );
    insert.run(
      'Task-1',
      1,
      '0190f000-0000-7000-8000-000000000001',
      'TodoCreated',
      '{"title":"a"}',
      1,
    );
    insert.run(
      'Task-2',
      1,
      '0190f000-0000-7000-8000-000000000002',
      'TodoCreated',
      '{"title":"b"}',
      2,
    );
  } finally {
    db.close();
  }
  return file;
}

function rawRows(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT stream_id, type, data, schema_version FROM eventfold_events ORDER BY position',
      )
      .all();
  } finally {
    db.close();
  }
}

const shape = (e: RecordedEvent) => [e.streamId, e.version, e.type, e.data, e.schemaVersion];

describe('SQLite: replaying a file written with older event versions', () => {
  it('reads version 1 rows (no version column) and version 2 events as version 3', async () => {
    const file = fileOfTheLastRelease();
    {
      await using store = new SqliteEventStore(file, { registry: registries.v2() });
      expect((await store.read('Task-1')).events.map(shape)).toEqual([
        ['Task-1', 1, 'TaskCreated', { title: 'a', priority: 0 }, 2],
      ]);
      await store.append('Task-1', [TaskCreatedV2({ title: 'c', priority: 5 })]);
    }
    const before = rawRows(file);
    expect(before).toEqual([
      { stream_id: 'Task-1', type: 'TodoCreated', data: '{"title":"a"}', schema_version: null },
      { stream_id: 'Task-2', type: 'TodoCreated', data: '{"title":"b"}', schema_version: null },
      {
        stream_id: 'Task-1',
        type: 'TaskCreated',
        data: '{"title":"c","priority":5}',
        schema_version: 2,
      },
    ]);
    {
      await using store = new SqliteEventStore(file, { registry: registries.v3() });
      expect(readSchemaVersion(store.database)).toBe(SCHEMA_VERSION);
      const expected = [
        ['Task-1', 1, 'TaskCreated', { title: 'a', priority: 0, labels: [] }, 3],
        ['Task-2', 1, 'TaskCreated', { title: 'b', priority: 0, labels: [] }, 3],
        ['Task-1', 2, 'TaskCreated', { title: 'c', priority: 5, labels: ['urgent'] }, 3],
      ];
      const feed: RecordedEvent[] = [];
      for await (const event of store.readAll({ types: ['TaskCreated'] })) feed.push(event);
      expect(feed.map(shape)).toEqual(expected);
      expect((await store.read('Task-1', { direction: 'backward' })).events.map(shape)).toEqual([
        expected[2],
        expected[0],
      ]);
      await store.append('Task-2', [TaskCreatedV3({ title: 'd', priority: 1, labels: [] })]);
    }
    // Nothing stored was rewritten; the new event records version 3.
    const after = rawRows(file);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]).toEqual({
      stream_id: 'Task-2',
      type: 'TaskCreated',
      data: '{"title":"d","priority":1,"labels":[]}',
      schema_version: 3,
    });
    // A program holding version 2 can no longer read the file's newer events: it says why.
    {
      await using store = new SqliteEventStore(file, { registry: registries.v2() });
      const error = await store.read('Task-2').catch((e: unknown) => e);
      expect(SerializationError.is(error)).toBe(true);
      expect((error as Error).message).toContain('"TaskCreated" at Task-2@2 has version 3');
    }
    // Without a registry, events come back as stored.
    {
      await using store = new SqliteEventStore(file);
      expect((await store.read('Task-1')).events.map(shape)).toEqual([
        ['Task-1', 1, 'TodoCreated', { title: 'a' }, undefined],
        ['Task-1', 2, 'TaskCreated', { title: 'c', priority: 5 }, 2],
      ]);
    }
  });
});
