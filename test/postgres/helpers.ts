/** Helpers shared by the PostgreSQL tests: raw connections, held-open appends and commits, write units, waiting. */
import pg from 'pg';
import { waitFor } from '../support/wait.js';
import {
  prepareAppend,
  prepareAppendMany,
  type AppendManyEntry,
} from '../../src/core/append-input.js';
import type { AppendCondition } from '../../src/core/event-query.js';
import type { NewEvent } from '../../src/index.js';
import type { WriteUnit } from '../../src/stores/kernel/event-store-driver.js';
import { openConnection } from '../../src/stores/postgres/postgres-connection.js';
import {
  PostgresDriver,
  postgresPositions,
  type PostgresCursor,
} from '../../src/stores/postgres/postgres-driver.js';
import {
  commitEventsSql,
  commitEventsValues,
  type CommitEventsRow,
} from '../../src/stores/postgres/sql/commit-events.js';
import {
  appendEventsSql,
  appendEventsValues,
  type AppendEventsRow,
} from '../../src/stores/postgres/sql/append-events.js';

/** A connected raw `pg` client (errors after termination are swallowed). */
export async function rawClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'eventfold-test-raw' });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Runs the store's own append function inside a transaction that stays open:
 * the events are written (with the transaction's xid) but not committed until
 * the caller sends COMMIT or ROLLBACK on `client`.
 */
export async function beginHeldAppend(
  client: pg.Client,
  schema: string,
  streamId: string,
  events: readonly NewEvent[],
): Promise<AppendEventsRow> {
  const append = await prepareAppend(streamId, events, undefined, {});
  await client.query('BEGIN');
  const result = await client.query<AppendEventsRow>(
    appendEventsSql(`"${schema}"`),
    appendEventsValues(append),
  );
  const row = result.rows[0];
  if (row?.o_status !== 'ok') throw new Error(`held append failed: ${JSON.stringify(row)}`);
  return row;
}

export { sleep, waitFor } from '../support/wait.js';

/**
 * The pid of a backend of `database` waiting on a lock while running a query
 * matching `like`. Query through a connection outside any transaction:
 * `pg_stat_activity` is a snapshot within one.
 */
export async function waitingBackend(
  admin: pg.Client | pg.Pool,
  database: string,
  like: string,
): Promise<number> {
  return waitFor(async () => {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE $2 AND pid <> pg_backend_pid()`,
      [database, like],
    );
    return rows[0]?.pid;
  }, `a backend waiting on a lock in ${like}`);
}

/** A small event. */
export function event(type: string, data: unknown = {}): NewEvent {
  return { type, data };
}

/** A write unit as the kernel builds it: an append (or the entries of an appendMany) with its condition, checked. */
export async function unitOf(
  entries: readonly AppendManyEntry[],
  condition?: AppendCondition,
): Promise<WriteUnit<PostgresCursor>> {
  const many = await prepareAppendMany(entries, { condition }, {});
  const after = many.condition?.after;
  return {
    entries: many.entries,
    condition:
      many.condition === undefined
        ? undefined
        : {
            query: many.condition.query,
            after: after === undefined ? undefined : postgresPositions.decode(after),
            position: after,
          },
  };
}

/** A PostgreSQL driver of its own pool (no notifications), for commits of several units at once. */
export function openDriver(url: string, schema: string, max = 4): PostgresDriver {
  const connection = openConnection({ connectionString: url, schema, poolConfig: { max } });
  return new PostgresDriver(connection, {
    registry: undefined,
    migrate: true,
    notify: false,
    notifyIntervalMs: undefined,
  });
}

/**
 * Runs the store's `commit_events` for `units` inside a transaction that stays
 * open: its locks are held and its events written but not committed until
 * the caller sends COMMIT or ROLLBACK on `client`.
 */
export async function beginHeldCommit(
  client: pg.Client,
  schema: string,
  units: readonly WriteUnit<PostgresCursor>[],
): Promise<CommitEventsRow[]> {
  await client.query('BEGIN');
  const result = await client.query<CommitEventsRow>(
    commitEventsSql(`"${schema}"`),
    commitEventsValues(units),
  );
  return result.rows;
}
