/**
 * A raw projection with a batch handler, on the three backends: batches of
 * several events in one call, a failing event found by bisection and parked,
 * every other event applied exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import {
  InMemoryEventStore,
  ValidationError,
  type Position,
  type RecordedEvent,
} from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { SqliteEventStore, type SqliteTransaction } from '../../src/stores/sqlite/index.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  startProjection,
} from '../../src/subscriptions/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

const dir = createTempDir('eventfold-batch-handler-');
afterAll(() => dir.remove());
const database = useTestDatabase('batch_handler');

/** Appends 5 streams of 20 `Counted` events, one of them `poison`; the last position. */
async function fill(store: {
  append: (s: string, e: { type: string; data: unknown }[]) => Promise<{ position: Position }>;
}): Promise<Position> {
  let last: Position | undefined;
  for (let s = 0; s < 5; s++) {
    const events = Array.from({ length: 20 }, (_, i) => ({
      type: 'Counted',
      data: { poison: s === 2 && i === 7 },
    }));
    last = (await store.append(`Counter-${s}`, events)).position;
  }
  return last as Position;
}

const isPoison = (e: RecordedEvent): boolean => (e.data as { poison: boolean }).poison;
const options = { batchSize: 40, retry: { maxRetries: 1, initialDelayMs: 1 } } as const;

/** Asserts the counts (19 for the stream with the parked event), the batching and the park. */
async function check(
  counts: Map<string, number>,
  calls: number[],
  status: { parked: number },
): Promise<void> {
  expect(Object.fromEntries(counts)).toEqual({
    'Counter-0': 20,
    'Counter-1': 20,
    'Counter-2': 19,
    'Counter-3': 20,
    'Counter-4': 20,
  });
  expect(Math.max(...calls)).toBe(40); // whole batches in one call
  expect(calls).toContain(1); // the failing event, found and retried alone
  expect(status.parked).toBe(1);
  await Promise.resolve();
}

describe('a projection with a batch handler', () => {
  it('on memory: batches of one, the failing event parked', async () => {
    const store = new InMemoryEventStore();
    const last = await fill(store);
    const counts = new Map<string, number>();
    const calls: number[] = [];
    const projection = defineProjection({
      name: 'counts',
      batchTypes: ['Counted'],
      batchHandler: (events) => {
        calls.push(events.length);
        if (events.some(isPoison)) throw new Error('poison');
        for (const e of events) counts.set(e.streamId, (counts.get(e.streamId) ?? 0) + 1);
      },
    });
    const running = startProjection(store, projection, {
      ...options,
      storage: new InMemorySubscriptionStorage(),
    });
    await running.waitForPosition(last, { timeoutMs: 10_000 });
    expect(calls.every((n) => n === 1)).toBe(true); // no rollback: one event at a time
    expect((await running.status()).parked).toBe(1);
    expect(counts.get('Counter-2')).toBe(19);
    await running.stop();
  });

  it('on SQLite: one call per batch, bisected to the failing event, exactly once', async () => {
    const store = new SqliteEventStore(dir.file());
    try {
      store.database.exec('CREATE TABLE counts (id TEXT PRIMARY KEY, n INTEGER NOT NULL)');
      const last = await fill(store);
      const calls: number[] = [];
      const upsert = store.database.prepare<[string]>(
        'INSERT INTO counts VALUES (?, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1',
      );
      const projection = defineProjection<
        SqliteTransaction,
        { type: 'Counted'; data: { poison: boolean } }
      >({
        name: 'counts',
        batchTypes: ['Counted'],
        batchHandler: (events) => {
          calls.push(events.length);
          for (const e of events) upsert.run(e.streamId); // rolled back when the batch fails
          if (events.some((e) => e.data.poison)) throw new Error('poison');
        },
      });
      const running = startProjection(store, projection, options);
      await running.waitForPosition(last, { timeoutMs: 10_000 });
      const rows = store.database.prepare('SELECT id, n FROM counts').all() as {
        id: string;
        n: number;
      }[];
      await check(new Map(rows.map((r) => [r.id, r.n])), calls, await running.status());
      await running.stop();
    } finally {
      await store.close();
    }
  });

  it('on PostgreSQL: one set-based statement per batch, bisected, exactly once', async () => {
    const store = await PostgresEventStore.connect({
      connectionString: database().url,
      schema: uniqueName('batch'),
    });
    try {
      const table = `${store.quotedSchema}.counts`;
      await store.pool.query(`CREATE TABLE ${table} (id text PRIMARY KEY, n int NOT NULL)`);
      const last = await fill(store);
      const calls: number[] = [];
      const projection = defineProjection<
        PoolClient,
        { type: 'Counted'; data: { poison: boolean } }
      >({
        name: 'counts',
        handlers: { Counted: () => undefined },
        batchHandler: async (events, client) => {
          calls.push(events.length);
          const ids = new Map<string, number>();
          for (const e of events) ids.set(e.streamId, (ids.get(e.streamId) ?? 0) + 1);
          await client.query(
            `INSERT INTO ${table} SELECT * FROM unnest($1::text[], $2::int[])
             ON CONFLICT (id) DO UPDATE SET n = ${table}.n + excluded.n`,
            [[...ids.keys()], [...ids.values()]],
          );
          if (events.some((e) => e.data.poison)) throw new Error('poison');
        },
      });
      const running = startProjection(store, projection, options);
      await running.waitForPosition(last, { timeoutMs: 10_000 });
      const { rows } = await store.pool.query<{ id: string; n: number }>(
        `SELECT id, n FROM ${table}`,
      );
      await check(new Map(rows.map((r) => [r.id, r.n])), calls, await running.status());
      await running.stop();
    } finally {
      await store.close();
    }
  });

  it('adapts its batch size: doubling under a far target, halving over a near one, within bounds', async () => {
    const store = new SqliteEventStore(dir.file());
    try {
      const last = await fill(store); // 100 events
      const sizes = async (name: string, targetBatchMs: number, spinMs: number) => {
        const calls: number[] = [];
        const projection = defineProjection<SqliteTransaction>({
          name,
          batchTypes: ['Counted'],
          batchHandler: (events) => {
            calls.push(events.length);
            const until = performance.now() + spinMs; // the transaction takes at least this long
            while (performance.now() < until) {
              // busy on purpose
            }
          },
        });
        const running = startProjection(store, projection, {
          batchSize: 8,
          targetBatchMs,
          minBatchSize: 2,
          maxBatchSize: 32,
        });
        await running.waitForPosition(last, { timeoutMs: 10_000 });
        await running.stop();
        return calls;
      };
      // Every transaction far below its target: ×2 after each full batch, up to the max.
      expect(await sizes('growing', 2 ** 31 - 1, 0)).toEqual([8, 16, 32, 32, 12]);
      // Every transaction (≥ 5 ms) far above a 1 ms target: halved, down to the min.
      const shrinking = await sizes('shrinking', 1, 5);
      expect(shrinking.slice(0, 4)).toEqual([8, 4, 2, 2]);
      expect(shrinking.reduce((a, b) => a + b, 0)).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('rejects a batchHandler that is no function, and batchTypes without one', () => {
    expect(() =>
      defineProjection({ name: 'x', batchHandler: 3 as never, batchTypes: ['A'] }),
    ).toThrow(ValidationError);
    expect(() =>
      defineProjection({ name: 'x', handlers: { A: () => undefined }, batchTypes: ['A'] }),
    ).toThrow(ValidationError);
    expect(() => defineProjection({ name: 'x', batchHandler: () => undefined })).toThrow(
      /has no handlers/,
    );
  });
});
