/**
 * Connection faults under a running projection: the server ends the
 * projection's in-transaction connection (an idle-in-transaction timeout, or
 * `pg_terminate_backend` while handlers run). The process does not crash,
 * nothing is parked, the read model gets every event exactly once and in
 * order, and `onError` hears a `DatabaseError` with `connectionLost`.
 */
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { collectUncaught } from '../support/uncaught.js';
import { DatabaseError, EventfoldError } from '../../src/core/errors.js';
import type { RecordedEvent } from '../../src/core/events.js';
import type { Position } from '../../src/core/position.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import {
  defineProjection,
  startProjection,
  type SubscriptionErrorInfo,
} from '../../src/subscriptions/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { within } from '../support/wait.js';
import { event, rawClient, sleep } from './helpers.js';

const database = useTestDatabase('faults');

const uncaught = collectUncaught();

interface Reported {
  readonly error: unknown;
  readonly info: SubscriptionErrorInfo;
}

/** A store, its storage, a read-model table and a projection appending `(position)` rows to it. */
async function setUp(
  url: string,
  handle: (event: RecordedEvent, tx: PoolClient, table: string) => Promise<void>,
) {
  const store = await PostgresEventStore.connect({
    connectionString: url,
    schema: uniqueName('f'),
  });
  const storage = new PostgresSubscriptionStorage(store);
  const table = `${store.quotedSchema}.applied`;
  await store.pool.query(
    `CREATE TABLE ${table} (seq bigserial PRIMARY KEY, position text NOT NULL)`,
  );
  const projection = defineProjection<PoolClient>({
    name: 'applied',
    handlers: { Step: (e, tx) => handle(e, tx, table) },
  });
  const reported: Reported[] = [];
  const start = () =>
    startProjection(store, projection, {
      storage,
      batchSize: 4,
      retry: { maxRetries: 0 }, // a handler failure would park at once
      onError: (error, info) => reported.push({ error, info }),
    });
  const applied = async () =>
    (
      await store.pool.query<{ position: string }>(`SELECT position FROM ${table} ORDER BY seq`)
    ).rows.map((r) => r.position);
  return { store, storage, start, applied, reported };
}

function expectOnlyConnectionLosses(reported: readonly Reported[]): void {
  for (const { error, info } of reported) {
    expect(EventfoldError.is(error)).toBe(true);
    expect(DatabaseError.is(error) && error.connectionLost).toBe(true);
    expect(info.event).toBe(undefined);
  }
}

describe('PostgreSQL: a projection whose connection the server ends', () => {
  it('survives idle_in_transaction_session_timeout while a handler awaits other work', async () => {
    const admin = await rawClient(database().url);
    await admin.query(
      `ALTER DATABASE "${database().name}" SET idle_in_transaction_session_timeout = '300ms'`,
    );
    let slowOnce = true;
    const { store, storage, start, applied, reported } = await setUp(
      database().url,
      async (e, tx, table) => {
        await tx.query('SELECT 1');
        if (slowOnce) {
          slowOnce = false;
          await sleep(1_000); // other work: the server ends the idle transaction meanwhile
        }
        await tx.query(`INSERT INTO ${table} (position) VALUES ($1)`, [e.position]);
      },
    );
    try {
      const appended = await store.append('Idle-1', [event('Step'), event('Step'), event('Step')]);
      const running = start();
      await within(running.waitForPosition(appended.position), 'the projection', 20_000);
      const feed = (await store.readAllPage({ limit: 100 })).events.map((e) => e.position);
      expect(await applied()).toEqual(feed);
      expect(await storage.deadLetters.count('applied')).toBe(0);
      expect(reported.length).toBeGreaterThanOrEqual(1);
      expectOnlyConnectionLosses(reported);
      const first = reported[0]?.error as DatabaseError;
      expect(first.sqlState).toBe('25P03');
      expect(first.message).toBe(
        'PostgreSQL transaction of subscription "applied" failed: terminating connection due to idle-in-transaction timeout (SQLSTATE 25P03)',
      );
      await running.stop();
      expect(uncaught()).toEqual([]);
    } finally {
      await admin.query(
        `ALTER DATABASE "${database().name}" RESET idle_in_transaction_session_timeout`,
      );
      await admin.end();
      await storage.close();
      await store.close();
    }
  });

  it('never parks when its in-transaction connection is terminated, repeatedly, over 24 events', async () => {
    const { store, storage, start, applied, reported } = await setUp(
      database().url,
      async (e, tx, table) => {
        await tx.query(`INSERT INTO ${table} (position) VALUES ($1)`, [e.position]);
        await tx.query('SELECT pg_sleep(0.025)'); // the terminations mostly meet a running query
      },
    );
    const admin = await rawClient(database().url);
    try {
      let last: Position | undefined;
      for (let i = 0; i < 6; i++) {
        const appended = await store.append(`Term-${i}`, [
          event('Step'),
          event('Step'),
          event('Step'),
          event('Step'),
        ]);
        last = appended.position;
      }
      const running = start();
      let terminated = 0;
      // Terminate the projection's transaction (found by its open transaction) up to 6 times.
      for (let round = 0; round < 200 && terminated < 6; round++) {
        const { rows } = await admin.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = $1 AND application_name = 'eventfold'
             AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`,
          [database().name],
        );
        terminated += rows.filter((r) => r.ok).length;
        await sleep(terminated > 0 ? 120 : 5);
      }
      expect(terminated).toBeGreaterThanOrEqual(3);
      if (last === undefined) throw new Error('nothing appended');
      await within(running.waitForPosition(last), 'the projection', 25_000);
      const feed = (await store.readAllPage({ limit: 100 })).events.map((e) => e.position);
      expect(feed).toHaveLength(24);
      expect(await applied()).toEqual(feed);
      expect(await storage.deadLetters.count('applied')).toBe(0);
      expect(reported.length).toBeGreaterThanOrEqual(3);
      expectOnlyConnectionLosses(reported);
      expect(reported.map((r) => (r.error as DatabaseError).sqlState)).toContain('57P01');
      expect(reported.map((r) => (r.error as DatabaseError).message)).toContain(
        'PostgreSQL transaction of subscription "applied" failed: terminating connection due to administrator command (SQLSTATE 57P01)',
      );
      await running.stop();
      expect(uncaught()).toEqual([]);
    } finally {
      await admin.end();
      await storage.close();
      await store.close();
    }
  });
});
