import { existsSync, readFileSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-scavenge-');
afterAll(() => dir.remove());

const SOFT = 'kv3q-SOFT-DELETED-plaintext';
const HARD = 'kv3q-HARD-DELETED-plaintext';
const TAG = 'kv3q-tag-of-a-deleted-event';

/** The files of the database (main, -wal, -shm) that hold `needle`. */
function filesHolding(file: string, needle: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].filter(
    (name) => existsSync(name) && readFileSync(name).includes(Buffer.from(needle)),
  );
}

/**
 * A WAL-mode store on a new file, with deleted streams among others, all
 * checkpointed into the file; `secureDelete`: the connection zeroes what it
 * frees from the start (else page splits leave stale copies of rows behind).
 */
async function written(secureDelete: boolean): Promise<{
  file: string;
  db: Database.Database;
  store: SqliteEventStore;
}> {
  const file = dir.file();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  if (secureDelete) db.pragma('secure_delete = ON');
  const store = new SqliteEventStore(db);
  for (let i = 0; i < 30; i++) {
    await store.append(`Other-${i}`, [{ type: 'Noted', data: { text: 'filler '.repeat(30) } }]);
    if (i === 10) {
      await store.append('Secret-1', [
        { type: 'Noted', data: { text: SOFT }, metadata: { note: SOFT } },
        { type: 'Noted', data: { text: SOFT }, tags: [TAG] },
      ]);
      await store.append('Secret-2', [{ type: 'Noted', data: { text: HARD.repeat(200) } }]);
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { file, db, store };
}

describe('scavenge on SQLite, physically', () => {
  it('leaves no plaintext of deleted streams in the file, the -wal or the -shm (secure_delete from the start)', async () => {
    const { file, db, store } = await written(true);
    try {
      expect(filesHolding(file, SOFT)).toEqual([file]);
      expect(filesHolding(file, HARD)).toEqual([file]);
      expect(filesHolding(file, TAG)).toEqual([file]);
      await store.deleteStream('Secret-1');
      await store.deleteStream('Secret-2', { hard: true });
      const report = await store.scavenge();
      expect(report).toMatchObject({ streams: 2, eventsRemoved: 3 });
      expect(filesHolding(file, SOFT)).toEqual([]);
      expect(filesHolding(file, HARD)).toEqual([]);
      expect(filesHolding(file, TAG)).toEqual([]);
      expect(db.pragma('secure_delete', { simple: true })).toBe(1);
      expect((await store.readAll().toArray()).length).toBe(32); // 30 others, 2 $StreamDeleted
      expect(
        db.prepare('SELECT count(*) AS n FROM eventfold_event_tags').get() as { n: number },
      ).toEqual({ n: 0 });
    } finally {
      await store.close();
      db.close();
    }
  });

  it('compact: VACUUM rewrites the file: no plaintext even of copies left by page splits, and less space', async () => {
    const { file, db, store } = await written(false);
    try {
      await store.deleteStream('Secret-1');
      await store.deleteStream('Secret-2', { hard: true });
      const before = statSync(file).size;
      await store.scavenge({ compact: true });
      expect(statSync(file).size).toBeLessThan(before);
      for (const needle of [SOFT, HARD, TAG]) expect(filesHolding(file, needle)).toEqual([]);
      expect(db.pragma('secure_delete', { simple: true })).toBe(0); // restored on the connection
      expect(await store.getVersion('Other-1')).toBe(1);
    } finally {
      await store.close();
      db.close();
    }
  });
});
