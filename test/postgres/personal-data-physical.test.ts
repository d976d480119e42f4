/**
 * Crypto-shredding on PostgreSQL, physically: personal fields never reach the
 * events table in clear (checked with SQL and in the table's relation file),
 * and after forgetting, the key and the snapshot holding decrypted fields are
 * gone from the relation files of their tables (VACUUM FULL, then CHECKPOINT).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineEvent,
  forgetSubject,
  isErased,
  payload,
  PersonalDataError,
} from '../../src/index.js';
import {
  PostgresEventStore,
  PostgresKeyStore,
  PostgresSnapshotStore,
} from '../../src/stores/postgres/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  relationBytes as readRelationBytes,
  relationPath as readRelationPath,
} from '../support/relation-files.js';

const database = useTestDatabase('personal_data');

const UserRegistered = defineEvent(
  'UserRegistered',
  payload<{ userId: string; email: string; name: string; plan: string }>(),
  { personal: { subject: (data) => data.userId, fields: ['email', 'name'] } },
);

const EMAIL = 'pg-zq7x-PLAINTEXT-email@example.org';
const NAME = 'Quentin Zylberstein-Postgres';

let pool: pg.Pool;
beforeAll(() => {
  pool = new pg.Pool({ connectionString: database().url, max: 4 });
});
afterAll(async () => {
  await pool.end();
});

const relationBytes = (path: string) => readRelationBytes(pool, path);
const relationPath = (relation: string) => readRelationPath(pool, relation);

describe('crypto-shredding on PostgreSQL, physically', () => {
  it('keeps personal fields out of the events table; forgetting removes the key and the snapshot from the table files', async () => {
    const schema = uniqueName('pd');
    const keys = new PostgresKeyStore(pool, { schema });
    await using store = await PostgresEventStore.connect({
      pool,
      schema,
      personalData: { keys },
    });
    await using snapshots = new PostgresSnapshotStore(store);
    await store.append('User-u1', [
      UserRegistered({ userId: 'u1', email: EMAIL, name: NAME, plan: 'pro' }),
    ]);
    await store.append('User-u2', [
      UserRegistered({ userId: 'u2', email: 'kept@example.org', name: 'Kept', plan: 'pro' }),
    ]);
    const state = (await store.read('User-u1')).events[0]?.data;
    expect(state).toMatchObject({ email: EMAIL, name: NAME });
    await snapshots.save({ streamId: 'User-u1', version: 1, schemaVersion: 1, state });

    for (const text of [EMAIL, NAME]) {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.events WHERE position($1 in data) > 0`,
        [text],
      );
      expect(rows[0]?.n).toBe(0);
    }
    const key = (await keys.load(['u1'])).get('u1') as Uint8Array;
    expect(key).toHaveLength(32);
    await pool.query('CHECKPOINT');
    const eventsFile = await relationBytes(await relationPath(`${schema}.events`));
    expect(eventsFile?.includes(Buffer.from('kept@example.org'))).toBe(false);
    expect(eventsFile?.includes(Buffer.from(EMAIL))).toBe(false);
    expect(eventsFile?.includes(Buffer.from('UserRegistered')), 'the scan reads the events').toBe(
      true,
    );
    const keysPath = await relationPath(`${schema}.personal_keys`);
    const snapshotsPath = await relationPath(`${schema}.snapshots`);
    expect(
      (await relationBytes(keysPath))?.includes(Buffer.from(key)),
      'the scan finds the key',
    ).toBe(true);
    expect((await relationBytes(snapshotsPath))?.includes(Buffer.from(EMAIL))).toBe(true);

    const result = await forgetSubject('u1', { keys, snapshots: [snapshots] });
    expect(result).toMatchObject({ forgotten: true, streams: ['User-u1'], snapshotsDeleted: 1 });
    await pool.query('CHECKPOINT');

    for (const path of [keysPath, await relationPath(`${schema}.personal_keys`)]) {
      const bytes = await relationBytes(path);
      expect(bytes === null || !bytes.includes(Buffer.from(key))).toBe(true);
    }
    for (const path of [snapshotsPath, await relationPath(`${schema}.snapshots`)]) {
      const bytes = await relationBytes(path);
      for (const text of [EMAIL, NAME])
        expect(bytes === null || !bytes.includes(Buffer.from(text))).toBe(true);
    }
    const data = (await store.read('User-u1')).events[0]?.data as Record<string, unknown>;
    expect(isErased(data['email'])).toBe(true);
    expect(data['plan']).toBe('pro');
    const kept = (await store.read('User-u2')).events[0]?.data as Record<string, unknown>;
    expect(kept['email']).toBe('kept@example.org');
  });

  it('refuses tampered ciphertext with a PersonalDataError', async () => {
    const schema = uniqueName('pd');
    const keys = new PostgresKeyStore(pool, { schema, vacuum: 'plain' });
    await using store = await PostgresEventStore.connect({ pool, schema, personalData: { keys } });
    await store.append('User-u1', [
      UserRegistered({ userId: 'u1', email: EMAIL, name: NAME, plan: 'pro' }),
    ]);
    const { rows } = await pool.query<{ data: string }>(`SELECT data FROM ${schema}.events`);
    const data = JSON.parse((rows[0] as { data: string }).data) as { name: { ct: string } };
    const ct = data.name.ct;
    data.name.ct = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
    await pool.query(`UPDATE ${schema}.events SET data = $1`, [JSON.stringify(data)]);
    await expect(store.read('User-u1')).rejects.toBeInstanceOf(PersonalDataError);
  });
});
