import { existsSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  defineEvent,
  forgetSubject,
  isErased,
  payload,
  PersonalDataError,
} from '../../src/index.js';
import {
  SqliteEventStore,
  SqliteKeyStore,
  SqliteSnapshotStore,
} from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir('eventfold-personal-');
afterAll(() => dir.remove());

const UserRegistered = defineEvent(
  'UserRegistered',
  payload<{ userId: string; email: string; name: string; plan: string }>(),
  { personal: { subject: (data) => data.userId, fields: ['email', 'name'] } },
);
const Noted = defineEvent('Noted', payload<{ text: string }>());

const EMAIL = 'zq7x-PLAINTEXT-email@example.org';
const NAME = 'Quentin Zylberstein-Plaintext';

/** The bytes of the database file and of its -wal and -shm, each as found (absent: empty). */
function filesOf(file: string): { name: string; bytes: Buffer }[] {
  return [file, `${file}-wal`, `${file}-shm`].map((name) => ({
    name,
    bytes: existsSync(name) ? readFileSync(name) : Buffer.alloc(0),
  }));
}

function filesHolding(file: string, needle: Buffer): string[] {
  return filesOf(file)
    .filter(({ bytes }) => bytes.includes(needle))
    .map(({ name }) => name);
}

function open(file: string) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const keys = new SqliteKeyStore(db);
  const store = new SqliteEventStore(db, { personalData: { keys } });
  const snapshots = new SqliteSnapshotStore(db);
  return { db, keys, store, snapshots };
}

describe('crypto-shredding on SQLite, physically', () => {
  it('never writes personal fields in clear; after forgetting, neither they nor the key remain in the file, -wal or -shm', async () => {
    const file = dir.file();
    const { db, keys, store, snapshots } = open(file);
    try {
      await store.append('User-u1', [
        UserRegistered({ userId: 'u1', email: EMAIL, name: NAME, plan: 'pro' }),
      ]);
      for (let i = 0; i < 50; i++)
        await store.append(`Other-${i}`, [
          UserRegistered({ userId: `o${i}`, email: `other${i}@example.org`, name: 'x', plan: 'p' }),
          Noted({ text: 'filler '.repeat(40) }),
        ]);
      // What an aggregate's snapshot of the stream would hold: the decrypted fields.
      const state = (await store.read('User-u1')).events[0]?.data;
      expect(state).toMatchObject({ email: EMAIL, name: NAME });
      await snapshots.save({ streamId: 'User-u1', version: 1, schemaVersion: 1, state });
      const [key] = db
        .prepare<[string], [Buffer]>('SELECT key FROM eventfold_personal_keys WHERE subject = ?')
        .raw()
        .get('u1') as [Buffer];
      expect(key).toHaveLength(32);

      const events = db.prepare('SELECT data FROM eventfold_events').all() as { data: string }[];
      expect(events.some((e) => e.data.includes(EMAIL) || e.data.includes(NAME))).toBe(false);
      expect(
        filesHolding(file, key).length,
        'the scan finds the key before forgetting',
      ).toBeGreaterThan(0);
      expect(
        filesHolding(file, Buffer.from(EMAIL)).length,
        'the scan finds the snapshot',
      ).toBeGreaterThan(0);

      const result = await forgetSubject('u1', { keys, snapshots: [snapshots] });
      expect(result).toMatchObject({ forgotten: true, streams: ['User-u1'], snapshotsDeleted: 1 });
      expect(await snapshots.load('User-u1')).toBeUndefined();

      for (const needle of [key, Buffer.from(EMAIL), Buffer.from(NAME)])
        expect(filesHolding(file, needle)).toEqual([]);
      expect(readFileSync(`${file}-wal`)).toHaveLength(0);

      const data = (await store.read('User-u1')).events[0]?.data as Record<string, unknown>;
      expect(isErased(data['email'])).toBe(true);
      expect(isErased(data['name'])).toBe(true);
      expect(data['plan']).toBe('pro');
      const other = (await store.read('Other-7')).events[0]?.data as Record<string, unknown>;
      expect(other['email']).toBe('other7@example.org');
    } finally {
      await store.close();
      db.close();
    }
    // Closed and reopened: still erased, still nothing in the files.
    const again = open(file);
    try {
      const data = (await again.store.read('User-u1')).events[0]?.data as Record<string, unknown>;
      expect(isErased(data['email'])).toBe(true);
      expect(filesHolding(file, Buffer.from(EMAIL))).toEqual([]);
    } finally {
      await again.store.close();
      again.db.close();
    }
  });

  it('refuses tampered or moved ciphertext with a PersonalDataError', async () => {
    const file = dir.file();
    const { db, store } = open(file);
    try {
      await store.append('User-u1', [
        UserRegistered({ userId: 'u1', email: EMAIL, name: NAME, plan: 'pro' }),
      ]);
      await store.append('User-u2', [
        UserRegistered({ userId: 'u1', email: 'second@example.org', name: 'n', plan: 'pro' }),
      ]);
      const rows = db
        .prepare('SELECT position, data FROM eventfold_events ORDER BY position')
        .all() as { position: number; data: string }[];
      const [first, second] = rows as [(typeof rows)[0], (typeof rows)[0]];
      // Moved: the first event's email envelope pasted into the second event (same subject and key).
      const moved = JSON.parse(second.data) as Record<string, unknown>;
      moved['email'] = (JSON.parse(first.data) as Record<string, unknown>)['email'];
      db.prepare('UPDATE eventfold_events SET data = ? WHERE position = ?').run(
        JSON.stringify(moved),
        second.position,
      );
      await expect(store.read('User-u2')).rejects.toBeInstanceOf(PersonalDataError);
      // Tampered: one character of the first event's ciphertext changed.
      const tampered = JSON.parse(first.data) as { email: { ct: string } };
      const ct = tampered.email.ct;
      tampered.email.ct = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
      db.prepare('UPDATE eventfold_events SET data = ? WHERE position = ?').run(
        JSON.stringify(tampered),
        first.position,
      );
      const error = await store.read('User-u1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PersonalDataError);
      expect((error as PersonalDataError).code).toBe('PERSONAL_DATA');
    } finally {
      await store.close();
      db.close();
    }
  });
});
