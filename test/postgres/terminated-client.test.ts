/**
 * The server ends a connection that migration work holds checked out while
 * no query runs on it (`pg_terminate_backend`, as an idle timeout or a
 * failover would): the process does not crash, the work fails with a typed
 * `DatabaseError`, nothing half-done remains, the client is not reused, and a
 * retry succeeds.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DatabaseError, MigrationError } from '../../src/core/errors.js';
import { migrate } from '../../src/stores/postgres/migrate.js';
import { MIGRATIONS, SNAPSHOT_MIGRATIONS } from '../../src/stores/postgres/migrations/index.js';
import { PostgresSnapshotStore } from '../../src/stores/postgres/postgres-snapshot-store.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { rawClient } from './helpers.js';
import { Pool } from 'pg';
import { rejection } from '../support/rejection.js';

const database = useTestDatabase('terminated');

type Query = (...args: unknown[]) => Promise<unknown>;

/**
 * Arms `pool` so that the next client checked out is terminated by the
 * server, from `admin`, just before its `nth` query: the client sits idle in
 * its checkout when the server ends it, and the query then finds it gone.
 */
function terminateBeforeQuery(pool: pg.Pool, admin: pg.Client, nth: number): void {
  pool.once('acquire', (client: pg.PoolClient) => {
    const original = client.query.bind(client) as Query;
    const pid = (client as unknown as { processID: number }).processID;
    let calls = 0;
    const query: Query = async (...args) => {
      if (++calls === nth) {
        const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await ended;
      }
      return original(...args);
    };
    (client as unknown as { query: Query }).query = query;
  });
}

function newPool(): pg.Pool {
  const pool = new Pool({ connectionString: database().url, max: 2 });
  pool.on('error', () => undefined);
  return pool;
}

async function schemaExists(admin: pg.Client, schema: string): Promise<boolean> {
  const { rows } = await admin.query<{ found: boolean }>(
    'SELECT to_regnamespace($1) IS NOT NULL AS found',
    [`"${schema}"`],
  );
  return rows[0]?.found === true;
}

describe('PostgreSQL: a checked-out client the server terminates while it is idle', () => {
  // On a fresh schema the runner sends: 1 BEGIN, 2 ledger exists?, 3 lock, 4 schema exists?,
  // 5 CREATE SCHEMA, 6 ledger table, 7 ledger exists?, 8 version, then each migration and its
  // record (9 migration 1, 10 its record, …), then COMMIT.
  const commit = 9 + 2 * MIGRATIONS.length;
  for (const nth of [1, 3, 10, commit]) {
    it(`fails the migration with a DatabaseError and leaves nothing (before query ${nth})`, async () => {
      const admin = await rawClient(database().url);
      const pool = newPool();
      try {
        const schema = uniqueName('term');
        terminateBeforeQuery(pool, admin, nth);
        const error = await rejection(migrate(pool, schema, []));
        expect(DatabaseError.is(error)).toBe(true);
        const step = nth === 10 ? ' 1 (streams, events and append_events)' : '';
        expect((error as Error).message).toBe(
          `PostgreSQL migration${step} of the eventfold schema of schema "${schema}" failed: Client has encountered a connection error and is not queryable`,
        );
        expect(MigrationError.is(error)).toBe(nth !== 1 && nth !== commit); // BEGIN and COMMIT fail as plain DatabaseErrors
        expect(pool.totalCount).toBe(0); // the dead client was destroyed, not returned
        expect(await schemaExists(admin, schema)).toBe(false);
        await migrate(pool, schema, []);
        const { rows } = await admin.query(`SELECT version FROM "${schema}".migrations ORDER BY 1`);
        expect(rows).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
      } finally {
        await pool.end();
        await admin.end();
      }
    });
  }

  it('fails the snapshot store’s first use with a DatabaseError; the next use succeeds', async () => {
    const admin = await rawClient(database().url);
    const pool = newPool();
    try {
      const schema = uniqueName('snapterm');
      const snapshots = new PostgresSnapshotStore(pool, schema);
      terminateBeforeQuery(pool, admin, 3);
      const error = await rejection(snapshots.load('Task-1'));
      expect(MigrationError.is(error)).toBe(true);
      expect(DatabaseError.is((error as Error).cause)).toBe(true);
      expect((error as Error).message).toBe(
        `PostgreSQL migration of the snapshot table of schema "${schema}" failed: Client has encountered a connection error and is not queryable`,
      );
      expect(pool.totalCount).toBe(0);
      expect(await schemaExists(admin, schema)).toBe(false);
      expect(await snapshots.load('Task-1')).toBe(undefined);
      expect(
        await snapshots.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: 1 }),
      ).toBe(true);
      const { rows } = await admin.query(`SELECT id, version FROM "${schema}".snapshots_schema`);
      expect(rows).toEqual([{ id: 1, version: 1 }]);
      expect(SNAPSHOT_MIGRATIONS.migrations).toHaveLength(1);
      await snapshots.close();
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
