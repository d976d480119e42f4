/**
 * A PostgreSQL schema written by older programs replays with the current
 * one: events of the release before event versions (schema 3, no
 * `schema_version` column, written by its `commit_events` of 22 arguments),
 * then events of a program whose registry holds version 2, read through the
 * version 3 registry. Stored bytes are never rewritten, and a process of the
 * previous release keeps appending through its function after the upgrade.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { prepareAppend } from '../../src/core/append-input.js';
import { SerializationError, type RecordedEvent } from '../../src/index.js';
import { migrate } from '../../src/stores/postgres/migrate.js';
import { EVENT_MIGRATIONS, MIGRATIONS } from '../../src/stores/postgres/migrations/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/postgres-event-store.js';
import {
  commitEventsSql,
  commitEventsValues,
} from '../../src/stores/postgres/sql/commit-events.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  registries,
  TaskCreatedV2,
  TaskCreatedV3,
  TodoCreatedV1,
} from '../support/task-versions.js';
import { rawClient } from './helpers.js';

const database = useTestDatabase('upcast');

/** What the release before event versions sent: `commit_events` with 22 arguments. */
async function appendAsLastRelease(
  client: pg.ClientBase,
  schema: string,
  streamId: string,
  title: string,
): Promise<void> {
  const append = await prepareAppend(streamId, [TodoCreatedV1({ title })], undefined, {});
  const values = commitEventsValues([{ entries: [append], condition: undefined }]).slice(0, 22);
  const sql = commitEventsSql(`"${schema}"`).replace(', $23::int[]', '');
  const { rows } = await client.query<{ o_status: string }>(sql, values);
  expect(rows[0]?.o_status).toBe('ok');
}

async function rawRows(client: pg.ClientBase, schema: string): Promise<unknown[]> {
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT stream_id, type, data, schema_version FROM "${schema}".events ORDER BY global_position`,
  );
  return rows;
}

const shape = (e: RecordedEvent) => [e.streamId, e.version, e.type, e.data, e.schemaVersion];

describe('PostgreSQL: replaying a schema written with older event versions', () => {
  it('reads version 1 events (no version column) and version 2 events as version 3', async () => {
    const url = database().url;
    const schema = uniqueName('upcast');
    const admin = await rawClient(url);
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    try {
      await migrate(pool, schema, [], true, {
        ...EVENT_MIGRATIONS,
        migrations: MIGRATIONS.slice(0, 3),
      });
      await appendAsLastRelease(admin, schema, 'Task-1', 'a');
      await appendAsLastRelease(admin, schema, 'Task-2', 'b');
      {
        await using store = await PostgresEventStore.connect({
          connectionString: url,
          schema,
          registry: registries.v2(),
        });
        expect((await store.read('Task-1')).events.map(shape)).toEqual([
          ['Task-1', 1, 'TaskCreated', { title: 'a', priority: 0 }, 2],
        ]);
        await store.append('Task-1', [TaskCreatedV2({ title: 'c', priority: 5 })]);
      }
      // A process of the previous release, still running, appends through its own function.
      await appendAsLastRelease(admin, schema, 'Task-3', 'e');
      const before = await rawRows(admin, schema);
      expect(before).toEqual([
        { stream_id: 'Task-1', type: 'TodoCreated', data: '{"title":"a"}', schema_version: null },
        { stream_id: 'Task-2', type: 'TodoCreated', data: '{"title":"b"}', schema_version: null },
        {
          stream_id: 'Task-1',
          type: 'TaskCreated',
          data: '{"title":"c","priority":5}',
          schema_version: 2,
        },
        { stream_id: 'Task-3', type: 'TodoCreated', data: '{"title":"e"}', schema_version: null },
      ]);
      {
        await using store = await PostgresEventStore.connect({
          connectionString: url,
          schema,
          registry: registries.v3(),
        });
        const expected = [
          ['Task-1', 1, 'TaskCreated', { title: 'a', priority: 0, labels: [] }, 3],
          ['Task-2', 1, 'TaskCreated', { title: 'b', priority: 0, labels: [] }, 3],
          ['Task-1', 2, 'TaskCreated', { title: 'c', priority: 5, labels: ['urgent'] }, 3],
          ['Task-3', 1, 'TaskCreated', { title: 'e', priority: 0, labels: [] }, 3],
        ];
        const feed: RecordedEvent[] = [];
        for await (const event of store.readAll({ types: ['TaskCreated'] })) feed.push(event);
        expect(feed.map(shape)).toEqual(expected);
        const query = await store.readByQuery({ items: [{ types: ['TaskCreated'] }] });
        expect(query.events.map(shape)).toEqual(expected);
        await store.append('Task-2', [TaskCreatedV3({ title: 'd', priority: 1, labels: [] })]);
      }
      const after = await rawRows(admin, schema);
      expect(after.slice(0, 4)).toEqual(before);
      expect(after[4]).toEqual({
        stream_id: 'Task-2',
        type: 'TaskCreated',
        data: '{"title":"d","priority":1,"labels":[]}',
        schema_version: 3,
      });
      {
        await using store = await PostgresEventStore.connect({
          connectionString: url,
          schema,
          registry: registries.v2(),
        });
        const error = await store.read('Task-2').catch((e: unknown) => e);
        expect(SerializationError.is(error)).toBe(true);
        expect((error as Error).message).toContain('"TaskCreated" at Task-2@2 has version 3');
      }
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
