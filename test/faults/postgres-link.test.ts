/**
 * Fault injection on the link to PostgreSQL: a TCP proxy of the test's own
 * sits between a store and the server; while writers append, a subscription
 * follows the feed and an exactly-once projection keeps a read model, the
 * proxy cuts every connection several times and partitions the link once for
 * longer than the store's timeouts. Nothing crashes; every append either
 * succeeds or fails with a `DatabaseError` (`connectionLost`) within the
 * timeouts and is retried with its event id; the feed read straight from the
 * server holds each event once; the projection applied each exactly once, in
 * order, and parked none; the subscription saw every event; and the
 * subscription's state showed the outage, then recovered.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { collectUncaught } from '../support/uncaught.js';
import { DatabaseError, EventfoldError } from '../../src/core/errors.js';
import type { Position } from '../../src/core/position.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import {
  defineProjection,
  startProjection,
  subscribe,
  type SubscriptionState,
} from '../../src/subscriptions/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { sleep, within } from '../support/wait.js';
import { TcpProxy } from './tcp-proxy.js';

const database = useTestDatabase('link');

const CONNECT_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 1_500;
/** The longest a failing call may take: a connection (or a pool slot), then a statement. */
const FAIL_WITHIN_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 1_000;

const uncaught = collectUncaught();

function proxiedUrl(url: string, port: number): string {
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  proxied.search = `?connectTimeoutMs=${CONNECT_TIMEOUT_MS}&statementTimeoutMs=${STATEMENT_TIMEOUT_MS}`;
  return proxied.toString();
}

/** A failed call: its error and how long it took. */
interface Failure {
  readonly error: unknown;
  readonly ms: number;
}

/** Appends `count` events one by one to `stream`, retrying each (same id) until it is stored. */
async function writer(
  store: PostgresEventStore,
  stream: string,
  count: number,
  failures: Failure[],
  deadline: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline || attempt > 100) throw new Error(`writer ${stream} gave up`);
      const started = Date.now();
      try {
        await store.append(stream, [{ type: 'Step', data: { i }, id }]);
        break;
      } catch (error) {
        failures.push({ error, ms: Date.now() - started });
        await sleep(50);
      }
    }
    ids.push(id);
    // Paced so that every writer is still appending when the link is partitioned (at ~1.4 s).
    await sleep(100);
  }
  return ids;
}

describe('PostgreSQL behind a link that is cut and partitioned', () => {
  it('loses, parks and doubles nothing, fails typed within the timeouts, and shows the outage', async () => {
    const { url } = database();
    const target = new URL(url);
    const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432));
    const schema = uniqueName('link');
    const direct = await PostgresEventStore.connect({ connectionString: url, schema });
    const store = await PostgresEventStore.connect({
      connectionString: proxiedUrl(url, proxy.port),
      schema,
      poolConfig: { max: 6 },
    });
    expect(store.timeouts).toEqual({
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    });
    const storage = new PostgresSubscriptionStorage(store);
    const table = `${direct.quotedSchema}.applied`;
    await direct.pool.query(`CREATE TABLE ${table} (seq bigserial PRIMARY KEY, id text NOT NULL)`);
    const reported: unknown[] = [];
    const onError = (error: unknown) => void reported.push(error);
    const seen: string[] = [];
    const states = new Set<SubscriptionState>();
    const subscription = subscribe(store, {
      name: 'seen',
      storage,
      handler: (e) => void seen.push(e.id),
      pollIntervalMs: 200,
      lease: { ttlMs: 10_000, retryMs: 200 }, // outlives the partition
      onError,
    });
    const projection = startProjection(
      store,
      defineProjection<PoolClient>({
        name: 'applied',
        handlers: {
          Step: async (e, tx) => {
            await tx.query(`INSERT INTO ${table} (id) VALUES ($1)`, [e.id]);
          },
        },
      }),
      {
        storage,
        batchSize: 5,
        pollIntervalMs: 200,
        retry: { maxRetries: 0 }, // a fault blamed on the handler would park at once
        lease: { ttlMs: 10_000, retryMs: 200 }, // outlives the partition
        onError,
      },
    );
    const failures: Failure[] = [];
    const deadline = Date.now() + 25_000;
    const watching = setInterval(() => states.add(subscription.state), 20);
    try {
      await within(subscription.caughtUp, 'the subscription to start', 10_000);
      await within(projection.caughtUp, 'the projection to start', 10_000);
      const writers = Promise.all(
        ['A', 'B', 'C'].map((w) => writer(store, `Writer-${w}`, 20, failures, deadline)),
      );
      let cuts = 0;
      for (const pause of [300, 400, 400]) {
        await sleep(pause);
        cuts += proxy.cut() > 0 ? 1 : 0;
      }
      // A partition past the timeouts: calls fail, typed and in time; the subscription says so.
      await sleep(300);
      states.clear();
      proxy.partition();
      const probeStart = Date.now();
      const probe = await store.append('Probe-1', [{ type: 'Probe', data: {} }]).then(
        () => undefined,
        (error: unknown) => error,
      );
      const probeMs = Date.now() - probeStart;
      await sleep(STATEMENT_TIMEOUT_MS + CONNECT_TIMEOUT_MS);
      const duringPartition = new Set(states);
      proxy.heal();
      await sleep(300);
      cuts += proxy.cut() > 0 ? 1 : 0;
      const written = (await within(writers, 'the writers', 30_000)).flat();

      expect(uncaught()).toEqual([]);
      expect(cuts).toBe(4);
      expect(DatabaseError.is(probe) && probe.connectionLost).toBe(true);
      expect(probeMs, `the probe failed after ${probeMs} ms with ${String(probe)}`).toBeLessThan(
        FAIL_WITHIN_MS,
      );
      expect(duringPartition.has('retrying')).toBe(true);
      expect(failures.length).toBeGreaterThanOrEqual(1);
      for (const { error, ms } of failures) {
        expect(DatabaseError.is(error) && error.connectionLost).toBe(true);
        expect(ms).toBeLessThan(FAIL_WITHIN_MS);
      }

      // The truth: the feed read straight from the server.
      const feed = (await direct.readAllPage({ limit: 1_000 })).events;
      const head = feed.at(-1)?.position as Position;
      const steps = feed.filter((e) => e.type === 'Step').map((e) => e.id);
      expect(new Set(feed.map((e) => e.id)).size).toBe(feed.length);
      expect(steps).toHaveLength(60);
      expect([...steps].sort()).toEqual([...written].sort());

      await within(projection.waitForPosition(head), 'the projection to catch up', 20_000);
      await within(subscription.waitForPosition(head), 'the subscription to catch up', 20_000);
      const applied = await direct.pool.query<{ id: string }>(
        `SELECT id FROM ${table} ORDER BY seq`,
      );
      expect(applied.rows.map((r) => r.id)).toEqual(steps);
      expect(await storage.deadLetters.count()).toBe(0);
      // At-least-once: every event seen, in feed order (a redelivery repeats a suffix of a batch).
      expect([...new Set(seen)]).toEqual(feed.map((e) => e.id));
      for (const error of reported) {
        expect(EventfoldError.is(error)).toBe(true);
      }
      expect(reported.some((e) => DatabaseError.is(e) && e.connectionLost)).toBe(true);

      const status = await subscription.status();
      expect(status.state).toBe('live');
      expect(status.checkpoint).toBe(head);
      expect(status.parked).toBe(0);
      // The outage as the last error: a failed call, or (on a slow machine) the lease it cost.
      expect(status.lastError?.message).toMatch(/^PostgreSQL |lost its lease$/);
      expect(uncaught()).toEqual([]);
    } finally {
      clearInterval(watching);
      proxy.heal();
      await subscription.stop();
      await projection.stop();
      await storage.close();
      await store.close();
      await direct.close();
      await proxy.close();
    }
  });
});
