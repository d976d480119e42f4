/**
 * Subscription benchmarks, on each backend (memory, a SQLite file, PostgreSQL):
 *
 * - catch-up: events projected per second by a new subscription reading a
 *   feed of 20,000 events (200-byte payloads, 100 per append) from the start,
 *   with the default batch of 100, as a handler subscription (at-least-once,
 *   a checkpoint per batch) and as a projection upserting one read-model row
 *   per event in the checkpoint's transaction (exactly-once on SQLite and
 *   PostgreSQL), and as a document projection keeping the same counter per
 *   stream in a document collection (each batch's changes flushed set-based
 *   with the checkpoint; the batch size adapts, see `targetBatchMs`), with its
 *   rate as a share of the handler subscription's;
 * - rebuild (`--rebuild N`, SQLite and PostgreSQL): the time a rebuild of the
 *   document projection over a feed of N events takes (reset, then catch-up);
 * - latency: from an append's commit (its promise resolving) to the handler
 *   being called, for single-event appends one at a time, 12 ms apart, to a
 *   live subscription woken by the store's append signal (p50 / p99).
 *
 * Run with `npx tsx bench/subscriptions.ts [--backends memory,sqlite,postgres]
 * [--events 20000] [--samples 300] [--runs 3] [--rebuild 1000000]` (with
 * `--rebuild`, only the rebuilds run). PostgreSQL: `DATABASE_URL`,
 * else `postgresql://postgres@127.0.0.1:5432/postgres`, in a throwaway schema
 * that is dropped afterwards. A combined bench calls {@link subscriptionBenchmarks}.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { EventStore, Position } from '../src/index.js';
import {
  startProjection,
  subscribe,
  type Projection,
  type Subscription,
} from '../src/subscriptions/index.js';
import { counterProjection, startDocuments, timeRebuild } from './lib/document-projection.js';
import { measure, payload200, type Measurement } from './lib/measure.js';

import { openEnv, type Env, type SubscriptionBenchBackend } from './lib/subscription-envs.js';

export type { SubscriptionBenchBackend } from './lib/subscription-envs.js';

/** Options of {@link subscriptionBenchmarks}. */
export interface SubscriptionBenchOptions {
  /** Backends to run (default all three). */
  backends?: readonly SubscriptionBenchBackend[];
  /** Events in the feed caught up with (default 20,000). */
  events?: number;
  /** Appends timed for the latency (default 300). */
  samples?: number;
  /**
   * Pause between the latency appends, in milliseconds (default 12): longer than
   * PostgreSQL's notification interval (10 ms), so each append is announced at
   * once rather than coalesced with the previous one.
   */
  gapMs?: number;
  /** Timed catch-up runs (default 3). */
  runs?: number;
  /** Untimed catch-up runs first (default 1). */
  warmup?: number;
  /** The PostgreSQL server (default `DATABASE_URL`, else the local service). */
  connectionString?: string;
}

/** Commit-to-handler latency, in milliseconds. */
export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
}

/** One row of results. */
export interface SubscriptionBenchResult {
  readonly backend: SubscriptionBenchBackend;
  readonly mode: 'subscription' | 'projection' | 'documents';
  readonly catchUp: Measurement;
  readonly latency: Latency;
}

/** The server the benchmark uses when none is given. */
export const DEFAULT_SUBSCRIPTION_BENCH_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Appends `events` events, 100 per append, to streams of their own; the last position. */
async function fill(store: EventStore, events: number): Promise<Position> {
  let last: Position | undefined;
  for (let n = 0; n * 100 < events; n++) {
    const batch = Array.from({ length: Math.min(100, events - n * 100) }, (_, i) => ({
      type: 'TaskUpdated',
      data: payload200(n * 100 + i),
    }));
    last = (await store.append(`Task-${n}`, batch)).position;
  }
  if (last === undefined) throw new Error('no events');
  return last;
}

function start<Tx>(
  env: Env<Tx>,
  mode: SubscriptionBenchResult['mode'],
  name: string,
  projection: Projection<Tx>,
  onEvent: (id: string) => void,
): Subscription<Tx> | Subscription {
  if (mode === 'documents') {
    return startDocuments(env.store, env.storage, counterProjection(name, onEvent));
  }
  return mode === 'projection'
    ? startProjection(env.store, projection, { storage: env.storage })
    : subscribe(env.store, {
        name,
        storage: env.storage,
        handler: (e) => onEvent(e.id),
      });
}

async function catchUp<Tx>(
  env: Env<Tx>,
  mode: SubscriptionBenchResult['mode'],
  last: Position,
  events: number,
  runs: number,
  warmup: number,
): Promise<Measurement> {
  let run = 0;
  return measure(
    {
      name: mode,
      count: events,
      setup: async () => {
        const name = `${mode}_catch_up_${run++}`;
        return { name, projection: await env.projection(name, () => undefined) };
      },
      run: async ({ name, projection }) => {
        const sub = start(env, mode, name, projection, () => undefined);
        await sub.waitForPosition(last);
        await sub.stop();
      },
    },
    runs,
    warmup,
  );
}

async function latency<Tx>(
  env: Env<Tx>,
  mode: SubscriptionBenchResult['mode'],
  samples: number,
  gapMs: number,
): Promise<Latency> {
  const handled = new Map<string, number>();
  let waiting: { id: string; resolve: () => void } | undefined;
  const onEvent = (id: string) => {
    handled.set(id, performance.now());
    if (waiting?.id === id) waiting.resolve();
  };
  const name = `${mode}_latency`;
  const sub = start(env, mode, name, await env.projection(name, onEvent), onEvent);
  await sub.caughtUp;
  const latencies: number[] = [];
  try {
    for (let i = 0; i < samples + 20; i++) {
      const id = crypto.randomUUID();
      const seen = new Promise<void>((resolve) => (waiting = { id, resolve }));
      await env.store.append(`Live-${i % 10}`, [{ id, type: 'TaskUpdated', data: payload200(i) }]);
      const committedAt = performance.now();
      await seen;
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (i >= 20) latencies.push(Math.max(0, (handled.get(id) ?? committedAt) - committedAt));
    }
  } finally {
    await sub.stop();
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), samples: latencies.length };
}

/** Runs the catch-up and latency benchmarks on each backend. */
export async function subscriptionBenchmarks(
  options: SubscriptionBenchOptions = {},
): Promise<SubscriptionBenchResult[]> {
  const {
    backends = ['memory', 'sqlite', 'postgres'],
    events = 20_000,
    samples = 300,
    gapMs = 12,
    runs = 3,
    warmup = 1,
    connectionString = DEFAULT_SUBSCRIPTION_BENCH_URL,
  } = options;
  const results: SubscriptionBenchResult[] = [];
  for (const backend of backends) {
    const env = await openEnv(backend, connectionString);
    try {
      const last = await fill(env.store, events);
      for (const mode of ['subscription', 'projection', 'documents'] as const) {
        const measured = await catchUp(env, mode, last, events, runs, warmup);
        results.push({
          backend,
          mode,
          catchUp: measured,
          latency: await latency(env, mode, samples, gapMs),
        });
      }
    } finally {
      await env.close();
    }
  }
  return results;
}

/**
 * Times a rebuild of the document projection over a feed of `events` events
 * on each durable backend of `backends` (see {@link timeRebuild}).
 */
export async function rebuildBenchmarks(
  events: number,
  backends: readonly SubscriptionBenchBackend[],
  connectionString = DEFAULT_SUBSCRIPTION_BENCH_URL,
): Promise<string[]> {
  const lines: string[] = [];
  for (const backend of backends) {
    if (backend === 'memory') continue;
    const env = await openEnv(backend, connectionString);
    try {
      const last = await fill(env.store, events);
      await env.analyze?.();
      const { seconds } = await timeRebuild(env.store, env.storage, last, events);
      const rate = Math.round(events / seconds).toLocaleString('en-US');
      lines.push(
        `${backend}: rebuild of ${events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s (${rate} events/s)`,
      );
    } finally {
      await env.close();
    }
  }
  return lines;
}

/** Formats results as an aligned text table. */
export function formatSubscriptionBenchmarks(results: readonly SubscriptionBenchResult[]): string {
  const lines = [
    [
      'backend',
      'mode',
      'catch-up events/s (median)',
      'min–max',
      '÷ subscription',
      'latency p50 ms',
      'p99 ms',
    ],
  ];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  for (const r of results) {
    const base = results.find((b) => b.backend === r.backend && b.mode === 'subscription');
    const share =
      base === undefined ? '' : `${Math.round((100 * r.catchUp.median) / base.catchUp.median)} %`;
    const once = r.backend === 'memory' ? 'in process' : 'exactly-once';
    lines.push([
      r.backend,
      r.mode === 'subscription'
        ? 'subscription (at-least-once)'
        : r.mode === 'documents'
          ? `document projection (${once})`
          : `projection (${once})`,
      n(r.catchUp.median),
      `${n(r.catchUp.min)}–${n(r.catchUp.max)}`,
      share,
      r.latency.p50.toFixed(2),
      r.latency.p99.toFixed(2),
    ]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'memory,sqlite,postgres' },
      events: { type: 'string', default: '20000' },
      samples: { type: 'string', default: '300' },
      runs: { type: 'string', default: '3' },
      rebuild: { type: 'string' },
    },
  });
  const backends = values.backends.split(',').map((b) => b.trim() as SubscriptionBenchBackend);
  if (values.rebuild !== undefined) {
    for (const line of await rebuildBenchmarks(Number(values.rebuild), backends)) console.log(line);
    process.exit(0);
  }
  const results = await subscriptionBenchmarks({
    backends,
    events: Number(values.events),
    samples: Number(values.samples),
    runs: Number(values.runs),
  });
  console.log(formatSubscriptionBenchmarks(results));
}
