/**
 * The lag a hot-standby replica adds to a live subscription, and the cost of reading your own
 * writes there:
 *
 * - subscription latency: from an append's commit on the primary (its promise resolving) to
 *   the handler being called, for single-event appends one at a time, 12 ms apart, with three
 *   live subscriptions receiving the same appends: one on the primary (woken by `NOTIFY`), one
 *   on `store.replica` (woken by its poll of the replayed WAL, default every 10 ms) and one on
 *   a replica polling every 2 ms; p50 / p99, and the replica's extra p50 over the primary's;
 * - read your writes: how long `store.waitForReplica()` takes right after an append (one
 *   `walPosition()` round trip on the primary, then polls of the standby until it replayed it).
 *
 * Run with `npm run bench:replica` (or `npx tsx bench/replica.ts [--samples 300]`). The servers:
 * `REPLICA_PRIMARY_URL` and `REPLICA_STANDBY_URL` when both are set (a streaming standby of that
 * primary), else a primary and a streaming hot standby started for the run from the machine's
 * binaries (`/usr/lib/postgresql/<version>/bin`, as the tests do) and removed afterwards. The
 * tables live in a throwaway schema, dropped afterwards.
 */
import { parseArgs } from 'node:util';
import { PostgresEventStore, PostgresSubscriptionStorage } from '../src/stores/postgres/index.js';
import { subscribe, type Subscription } from '../src/subscriptions/index.js';
import { startReplicaPair } from '../test/support/postgres-replica.js';
import { percentile } from './lib/latency.js';
import { payload200 } from './lib/measure.js';

interface Row {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

function row(name: string, values: number[]): Row {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    name,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    samples: sorted.length,
  };
}

async function servers(): Promise<{ primary: string; standby: string; stop: () => Promise<void> }> {
  const primary = process.env.REPLICA_PRIMARY_URL;
  const standby = process.env.REPLICA_STANDBY_URL;
  if (primary !== undefined && standby !== undefined)
    return { primary, standby, stop: () => Promise.resolve() };
  const pair = await startReplicaPair();
  return { primary: pair.primaryUrl, standby: pair.standbyUrl, stop: () => pair.stop() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      samples: { type: 'string', default: '300' },
      gap: { type: 'string', default: '12' },
      writers: { type: 'string', default: '4' },
    },
  });
  const samples = Number(values.samples);
  const gapMs = Number(values.gap);
  const writers = Number(values.writers);
  const warmup = 20;
  const { primary, standby, stop } = await servers();
  const schema = `bench_replica_${Date.now().toString(36)}`;
  const store = await PostgresEventStore.connect({
    connectionString: primary,
    schema,
    replica: { connectionString: standby },
  });
  const fastReplica = new PostgresEventStore({
    connectionString: standby,
    schema,
    readOnly: true,
    replayPollIntervalMs: 2,
  });
  const replica = store.replica;
  if (replica === undefined) throw new Error('no replica');
  const server = await store.pool.query<{ version: string }>(
    "SELECT current_setting('server_version') AS version",
  );
  const handled = new Map<string, Map<string, number>>();
  const waiting = new Map<string, () => void>();
  const names = ['primary', 'replica (poll 10 ms)', 'replica (poll 2 ms)'];
  const onEvent = (name: string, id: string) => {
    const at = performance.now();
    let seen = handled.get(id);
    if (seen === undefined) handled.set(id, (seen = new Map<string, number>()));
    seen.set(name, at);
    if (seen.size === names.length) waiting.get(id)?.();
  };
  // Every checkpoint on the primary, as a replica's subscriptions keep them.
  const storage = new PostgresSubscriptionStorage(store);
  const subscriptions: Subscription[] = [store, replica, fastReplica].map((source, i) =>
    subscribe(source, {
      name: `latency_${i}`,
      storage,
      from: 'end',
      handler: (e) => onEvent(names[i] as string, e.id),
    }),
  );
  const lags: number[][] = names.map(() => []);
  const busyLags: number[][] = names.map(() => []);
  const waits: number[] = [];
  try {
    await Promise.all(subscriptions.map((s) => s.caughtUp));
    for (let i = 0; i < samples + warmup; i++) {
      const id = crypto.randomUUID();
      const all = new Promise<void>((resolve) => waiting.set(id, resolve));
      await store.append(`Live-${i % 10}`, [{ id, type: 'TaskUpdated', data: payload200(i) }]);
      const committedAt = performance.now();
      await all;
      waiting.delete(id);
      if (i >= warmup) {
        const seen = handled.get(id);
        names.forEach((name, n) => lags[n]?.push((seen?.get(name) ?? committedAt) - committedAt));
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    // Concurrent writers: appends that commit while others (and their notifications) are in flight.
    const committed = new Map<string, number>();
    const pending: Promise<void>[] = [];
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < Math.ceil(samples / writers); i++) {
          const id = crypto.randomUUID();
          pending.push(new Promise<void>((resolve) => waiting.set(id, resolve)));
          await store.append(`Busy-${w}`, [{ id, type: 'TaskUpdated', data: payload200(i) }]);
          committed.set(id, performance.now());
        }
      }),
    );
    await Promise.all(pending);
    for (const [id, committedAt] of committed) {
      const seen = handled.get(id);
      names.forEach((name, n) =>
        busyLags[n]?.push(Math.max(0, (seen?.get(name) ?? committedAt) - committedAt)),
      );
    }
    for (const s of subscriptions) await s.stop();
    for (let i = 0; i < samples + warmup; i++) {
      await store.append(`Ryw-${i % 10}`, [{ type: 'TaskUpdated', data: payload200(i) }]);
      const started = performance.now();
      await store.waitForReplica({ timeoutMs: 10_000 });
      if (i >= warmup) waits.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  } finally {
    for (const s of subscriptions) await s.stop();
    await store.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await storage.close();
    await fastReplica.close();
    await store.close();
    await stop();
  }
  const rows = [
    ...names.map((name, n) => row(`append → handler, subscription on the ${name}`, lags[n] ?? [])),
    ...names.map((name, n) =>
      row(`${writers} writers: append → handler, on the ${name}`, busyLags[n] ?? []),
    ),
    row('append → waitForReplica() resolved', waits),
  ];
  console.log(
    `PostgreSQL ${server.rows[0]?.version ?? '?'}, primary and streaming hot standby on one machine, Node ${process.version}; single-event appends ${gapMs} ms apart, ${samples} samples after ${warmup} warm-up`,
  );
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'measurement'.padEnd(width)}  p50 ms   p99 ms   max ms   vs primary p50`);
  for (const [n, r] of rows.entries()) {
    const first = n < names.length ? 0 : n < 2 * names.length ? names.length : -1;
    const extra =
      first >= 0 && n !== first ? `+${(r.p50 - (rows[first]?.p50 ?? 0)).toFixed(2)}` : '';
    console.log(
      `${r.name.padEnd(width)}  ${r.p50.toFixed(2).padStart(6)}   ${r.p99.toFixed(2).padStart(6)}   ${r.max.toFixed(2).padStart(6)}   ${extra}`,
    );
  }
}

await main();
