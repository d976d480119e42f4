/**
 * Per-file test databases on the server chosen by the global setup
 * (test/support/postgres-global-setup.ts).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { beforeAllOrFail } from './before-all-or-fail.js';

export { beforeAllOrFail };

/** A database of its own for one test file, dropped by `drop()`. */
export interface TestDatabase {
  /** The database's name. */
  readonly name: string;
  /** A URL of the database (same credentials as the admin URL). */
  readonly url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** The admin URL of the test server; throws (so the test fails) when there is none. */
export function postgresAdminUrl(): string {
  const unavailable = inject('postgresUnavailable');
  const url = inject('postgresAdminUrl');
  // The global setup's reason already says that the PostgreSQL tests cannot run, and why.
  if (unavailable !== '') throw new Error(unavailable);
  if (url === '') throw new Error('No PostgreSQL server for the tests: no URL provided');
  return url;
}

/** The same server URL pointing at another database. */
export function urlOfDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A unique lower-case name with a prefix, usable as a database or schema name. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Key of the advisory lock (in the admin database) that runs PostgreSQL test files one at a time. */
const SERVER_LOCK = 0x45764674;

/**
 * Creates a fresh database named after `label`, after waiting for the server:
 * PostgreSQL test files hold it one at a time (an advisory lock in the admin
 * database, released by `drop()`). They must, because the global feed's
 * horizon is cluster-wide: any transaction holding an xid, in any database,
 * hides later commits from readers until it ends, so one file's open
 * transactions (deliberate in the concurrency tests, or a 10,000-event append)
 * would make another file's "append, then read the feed" see nothing yet.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const admin = postgresAdminUrl();
  const lock = new pg.Client({ connectionString: admin, application_name: 'eventfold-test-lock' });
  lock.on('error', () => undefined);
  await lock.connect();
  const name = uniqueName(`eventfold_test_${label}`);
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [SERVER_LOCK]);
    await lock.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    await lock.end();
    throw error;
  }
  return {
    name,
    url: urlOfDatabase(admin, name),
    drop: async () => {
      try {
        await waitForConnectionsToEnd(lock, name);
        await lock.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await lock.end();
      }
    },
  };
}

/** How long `drop()` lets connections that are closing end before it forces them. */
const CLOSING_GRACE_MS = 3_000;

/**
 * Waits (up to {@link CLOSING_GRACE_MS}) until no connection to `database`
 * remains. `pool.end()` resolves once its clients were asked to end, before
 * the server saw them go; `DROP DATABASE … WITH (FORCE)` at that moment
 * terminates them, and the terminated client reports `57P01` as an `error`
 * event, which a pool without an error listener throws. Connections still
 * open after the grace period are leaks, and are forced.
 */
async function waitForConnectionsToEnd(admin: pg.Client, database: string): Promise<void> {
  const deadline = Date.now() + CLOSING_GRACE_MS;
  while (Date.now() < deadline) {
    const { rows } = await admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    if (rows[0]?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Gives the test file its own database: created before its tests (every test
 * fails if that fails) and dropped after them. Returns an accessor for it.
 */
export function useTestDatabase(label: string): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAllOrFail(async () => {
    database = await createTestDatabase(label);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (database === undefined) throw new Error('the test database was not created');
    return database;
  };
}
