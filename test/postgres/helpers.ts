/** Helpers shared by the PostgreSQL tests: raw connections, held-open appends and commits, write units, waiting. */
import pg from 'pg';
import { expect } from 'vitest';
import { sleep, waitFor } from '../support/wait.js';
import {
  prepareAppend,
  prepareAppendMany,
  type AppendManyEntry,
} from '../../src/core/append-input.js';
import type { AppendCondition } from '../../src/core/event-query.js';
import type { EventStore, NewEvent, Position, RecordedEvent } from '../../src/index.js';
import type { PostgresEventStore } from '../../src/stores/postgres/index.js';
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
 * Each client in turn holds `rounds` appends of two events open for a while
 * (30 ms, plus 20 ms per client), on the writers' `streams` at even rounds and
 * on streams of its own at odd ones; one in three is rolled back, the others
 * committed. Resolves to how many events were rolled back.
 */
export async function holdAppends(
  holders: readonly pg.Client[],
  schema: string,
  streams: readonly string[],
  rounds: number,
): Promise<number> {
  let rolledBack = 0;
  await Promise.all(
    holders.map(async (client, h) => {
      for (let n = 0; n < rounds; n++) {
        const stream =
          n % 2 === 0 ? (streams[(h * 5 + n) % streams.length] as string) : `Held-${h}-${n}`;
        await beginHeldAppend(client, schema, stream, [
          event('Held', { h, n }),
          event('Held', { h, n, second: true }),
        ]);
        await sleep(30 + 20 * h);
        if ((h + n) % 3 === 0) {
          await client.query('ROLLBACK');
          rolledBack += 2;
        } else {
          await client.query('COMMIT');
        }
      }
    }),
  );
  return rolledBack;
}

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

/** A reader following the feed page by page while writers append (see {@link followFeed}). */
export interface FeedFollower {
  /** Every event read so far, in the order read. */
  readonly seen: RecordedEvent[];
  /** Tells the reader the writers are done; resolves once two reads in a row found nothing new. */
  finish(): Promise<void>;
}

/** Reads `store`'s feed in pages of `limit` (an odd size, so pages cut across appends) until {@link FeedFollower.finish}. */
export function followFeed(store: EventStore, limit: number): FeedFollower {
  const seen: RecordedEvent[] = [];
  let writing = true;
  const reading = (async () => {
    let after: Position | undefined;
    let idle = 0;
    while (writing || idle < 2) {
      const page = await store.readAllPage({ after, limit });
      seen.push(...page.events);
      after = page.next;
      idle = !writing && page.events.length === 0 ? idle + 1 : 0;
      if (page.isEnd) await sleep(5);
    }
  })();
  return {
    seen,
    finish: () => {
      writing = false;
      return reading;
    },
  };
}

/**
 * Checks what a feed reader saw against the store: each event exactly once, in
 * the order of a full read, as many as the rows stored in `schema`, positions
 * strictly increasing, each stream in version order without gaps and ending
 * at its stored version.
 */
export async function expectSeenAsStored(
  store: PostgresEventStore,
  schema: string,
  seen: readonly RecordedEvent[],
): Promise<void> {
  const all = await store.readAll().toArray();
  expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
  expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
  const stored = await store.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".events`,
  );
  expect(seen).toHaveLength(Number(stored.rows[0]?.n));
  for (let i = 1; i < seen.length; i++)
    expect((seen[i - 1] as RecordedEvent).position < (seen[i] as RecordedEvent).position).toBe(
      true,
    );
  const last = new Map<string, number>();
  for (const e of seen) {
    expect(e.version).toBe((last.get(e.streamId) ?? 0) + 1);
    last.set(e.streamId, e.version);
  }
  for (const [streamId, version] of last) expect(await store.getVersion(streamId)).toBe(version);
}
