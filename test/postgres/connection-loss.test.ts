import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventStore, DatabaseError, type EventfoldError } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { event, rawClient, waitingBackend } from './helpers.js';

let database: TestDatabase;
let store: PostgresEventStore;
const schema = uniqueName('loss');
beforeAllOrFail(async () => {
  database = await createTestDatabase('loss');
  store = await PostgresEventStore.connect({
    connectionString: database.url,
    schema,
    poolConfig: { max: 3 },
  });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function rejection(promise: Promise<unknown>): Promise<EventfoldError> {
  try {
    await promise;
  } catch (error) {
    return error as EventfoldError;
  }
  throw new Error('expected a rejection');
}

describe('PostgreSQL connection loss', () => {
  it('a connection terminated mid-read gives a DatabaseError and the pool recovers', async () => {
    await store.append('Read-1', [event('A'), event('B')]);
    const admin = await rawClient(database.url);
    try {
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".streams IN ACCESS EXCLUSIVE MODE`);
      const reading = rejection(store.read('Read-1'));
      const pid = await waitingBackend(store.pool, database.name, '%streams%');
      await store.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const error = await reading;
      expect(DatabaseError.is(error)).toBe(true);
      expect(error.code).toBe('DATABASE');
      await admin.query('ROLLBACK');
    } finally {
      await admin.end();
    }
    const stream = await store.read('Read-1');
    expect(stream.events.map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('a connection terminated mid-append gives a DatabaseError and writes nothing', async () => {
    const admin = await rawClient(database.url);
    try {
      // The append inserts its events, then waits for the stream row: kill it there.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".streams IN EXCLUSIVE MODE`);
      const events = Array.from({ length: 200 }, (_, i) => event('Lost', { i }));
      const appending = rejection(store.append('Append-1', events));
      const pid = await waitingBackend(store.pool, database.name, '%commit_events%');
      await store.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const error = await appending;
      expect(DatabaseError.is(error)).toBe(true);
      expect(error.message).toMatch(/append to stream "Append-1"/);
      await admin.query('ROLLBACK');
    } finally {
      await admin.end();
    }
    const { rows } = await store.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".events WHERE stream_id = 'Append-1'`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    expect(await store.getVersion('Append-1')).toBe(0);
    const result = await store.append('Append-1', [event('Again')], { expectedVersion: 0 });
    expect(result.version).toBe(1);
  });

  it('recovers after every idle connection of the pool is terminated', async () => {
    await Promise.all([store.getVersion('x-1'), store.getVersion('x-2'), store.getVersion('x-3')]);
    const admin = await rawClient(database.url);
    try {
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = $1 AND application_name = 'eventfold' AND pid <> pg_backend_pid()`,
        [database.name],
      );
    } finally {
      await admin.end();
    }
    // A query may still meet a connection whose end the pool has not noticed yet:
    // it fails with a DatabaseError, and the next one gets a fresh connection.
    let failures = 0;
    for (let i = 0; i < 6; i++) {
      try {
        await store.append('Recovered-1', [event('Ok', { i })]);
      } catch (error) {
        expect(DatabaseError.is(error)).toBe(true);
        failures++;
      }
    }
    expect(failures).toBeLessThanOrEqual(3);
    const stream = await store.read('Recovered-1');
    expect(stream.version).toBe(6 - failures);
  });

  it('never shows the password in errors: bad port, bad host', async () => {
    const password = 'Sup3r-S3cret_pw';
    const urls = [
      `postgresql://eventfold:${password}@127.0.0.1:1/db`,
      `postgres://eventfold:${encodeURIComponent(password + '@#')}@host.invalid:5432/db`,
    ];
    for (const url of urls) {
      const errors = [
        await rejection(
          PostgresEventStore.connect({
            connectionString: url,
            poolConfig: { connectionTimeoutMillis: 5000 },
          }),
        ),
        await rejection(createEventStore(url)),
      ];
      for (const error of errors) {
        expect(DatabaseError.is(error)).toBe(true);
        const shown = `${error.message}\n${inspect(error, { depth: 10 })}\n${String(error.stack)}`;
        expect(shown).not.toContain(password);
        expect(shown).not.toContain(encodeURIComponent(password));
      }
    }
  });
});
