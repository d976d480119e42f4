/**
 * Scavenge on PostgreSQL, physically: after deleting streams and a compact
 * scavenge (DELETE, then VACUUM FULL) and a CHECKPOINT, none of their
 * events' bytes remain in the relation files of the events and tags tables.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  relationBytes as readRelationBytes,
  relationPath as readRelationPath,
} from '../support/relation-files.js';

const database = useTestDatabase('scavenge_physical');

const SOFT = 'pg-kv3q-SOFT-DELETED-plaintext';
const HARD = 'pg-kv3q-HARD-DELETED-plaintext';
const TAG = 'pg-kv3q-tag-of-a-deleted-event';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: database().url, max: 4 });
});
afterAll(async () => {
  await pool.end();
});

const relationBytes = (path: string) => readRelationBytes(pool, path);
const relationPath = (relation: string) => readRelationPath(pool, relation);

/** Which of `needles` the files at `paths` hold. */
async function found(paths: readonly string[], needles: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const path of paths) {
    const bytes = await relationBytes(path);
    for (const needle of needles)
      if (bytes?.includes(Buffer.from(needle)) === true) out.add(needle);
  }
  return [...out].sort();
}

describe('scavenge on PostgreSQL, physically', () => {
  it('after a compact scavenge and a checkpoint, no byte of deleted streams remains in the table files', async () => {
    const schema = uniqueName('scav');
    await using store = await PostgresEventStore.connect({ pool, schema });
    for (let i = 0; i < 20; i++) {
      await store.append(`Other-${i}`, [{ type: 'Noted', data: { text: 'filler' }, tags: ['x'] }]);
      if (i === 5) {
        await store.append('Secret-1', [
          { type: 'Noted', data: { text: SOFT }, metadata: { note: SOFT }, tags: [TAG] },
        ]);
        await store.append('Secret-2', [{ type: 'Noted', data: { text: HARD } }]);
      }
    }
    await pool.query('CHECKPOINT');
    const relations = [`${schema}.events`, `${schema}.event_tags`, `${schema}.event_tags_pkey`];
    const before = await Promise.all(relations.map(relationPath));
    expect(await found(before, [SOFT, HARD, TAG]), 'the scan finds them').toEqual(
      [HARD, SOFT, TAG].sort(),
    );

    await store.deleteStream('Secret-1');
    await store.deleteStream('Secret-2', { hard: true });
    const report = await store.scavenge({ compact: true });
    expect(report).toMatchObject({ streams: 2, eventsRemoved: 2 });
    await pool.query('CHECKPOINT');
    const after = await Promise.all(relations.map(relationPath));
    expect(await found([...before, ...after], [SOFT, HARD, TAG])).toEqual([]);
    expect((await store.readAll().toArray()).length).toBe(22);
    await expect(store.append('Secret-2', [{ type: 'Noted', data: {} }])).rejects.toThrow(
      /deleted for good/,
    );
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  });
});
