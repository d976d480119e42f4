/**
 * Benchmark W6 on every backend: {@link aggregateBenchmarks} (rehydrating an
 * aggregate from 100 and from 10,000 events, with and without a snapshot) on
 * the in-memory store with `InMemorySnapshotStore`, on SQLite files with
 * `SqliteSnapshotStore`, on PostgreSQL with `PostgresSnapshotStore`, and on NATS JetStream with
 * `NatsSnapshotStore`.
 *
 *   npx tsx bench/aggregates-backends.ts [--backends memory,sqlite,postgres,nats] [--runs 5] [--warmup 1]
 *
 * SQLite: fresh files in a temporary folder, removed afterwards. PostgreSQL:
 * `DATABASE_URL`, else `postgresql://postgres@127.0.0.1:5432/postgres`, in
 * throwaway schemas dropped afterwards. NATS: `NATS_URL`, else `nats://127.0.0.1:4222`, in
 * streams and buckets of its own, deleted afterwards. A backend that cannot run (no server)
 * is reported and skipped.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { InMemoryEventStore, type EventStore } from '../src/index.js';
import { InMemorySnapshotStore } from '../src/aggregates/index.js';
import { PostgresEventStore } from '../src/stores/postgres/index.js';
import { PostgresSnapshotStore } from '../src/stores/postgres/postgres-snapshot-store.js';
import { SqliteEventStore, SqliteSnapshotStore } from '../src/stores/sqlite/index.js';
import { NatsEventStore } from '../src/stores/nats/index.js';
import { NatsSnapshotStore } from '../src/stores/nats/nats-snapshot-store.js';
import { BENCH_NATS_URL } from './lib/nats-url.js';
import {
  aggregateBenchmarks,
  formatAggregateBenchmarks,
  type AggregateBenchOptions,
  type AggregateBenchSize,
} from './aggregates.js';

/** The backends W6 runs on. */
export type AggregateBackend = 'memory' | 'sqlite' | 'postgres' | 'nats';

/** One backend's W6 results, or why it did not run. */
export interface AggregateBackendResult {
  readonly backend: AggregateBackend;
  readonly results: readonly AggregateBenchSize[];
  /** Set when the backend could not run. */
  readonly error?: string;
}

/** Options of {@link aggregateBenchmarksOnBackends}. */
export interface AggregateBackendsOptions extends Omit<
  AggregateBenchOptions,
  'createSnapshotStore'
> {
  /** Which backends (default all three). */
  backends?: readonly AggregateBackend[];
  /** The PostgreSQL server (default `DATABASE_URL`, else the local service). */
  connectionString?: string;
}

/** The PostgreSQL server W6 uses when none is given. */
export const DEFAULT_W6_POSTGRES_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function asStore<T extends EventStore>(
  store: EventStore,
  kind: abstract new (...args: never[]) => T,
): T {
  if (!(store instanceof kind)) throw new Error(`expected a ${kind.name}`);
  return store;
}

async function onMemory(options: AggregateBenchOptions): Promise<AggregateBenchSize[]> {
  return aggregateBenchmarks(() => Promise.resolve(new InMemoryEventStore()), {
    ...options,
    createSnapshotStore: () => Promise.resolve(new InMemorySnapshotStore()),
  });
}

async function onSqlite(options: AggregateBenchOptions): Promise<AggregateBenchSize[]> {
  const dir = mkdtempSync(join(tmpdir(), 'eventfold-w6-'));
  let files = 0;
  try {
    return await aggregateBenchmarks(
      () => Promise.resolve(new SqliteEventStore(join(dir, `w6-${++files}.db`))),
      {
        ...options,
        createSnapshotStore: (store) =>
          Promise.resolve(new SqliteSnapshotStore(asStore(store, SqliteEventStore))),
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function onPostgres(
  url: string,
  options: AggregateBenchOptions,
): Promise<AggregateBenchSize[]> {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  admin.on('error', () => undefined);
  const schemas: string[] = [];
  try {
    await admin.query('SELECT 1'); // fail early, with the server's error, when it is unreachable
    return await aggregateBenchmarks(
      () => {
        const schema = `bench_w6_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        return PostgresEventStore.connect({ connectionString: url, schema, notify: false });
      },
      {
        ...options,
        createSnapshotStore: async (store) => {
          const snapshots = new PostgresSnapshotStore(asStore(store, PostgresEventStore));
          await snapshots.migrate();
          return snapshots;
        },
      },
    );
  } finally {
    for (const schema of schemas) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    }
    await admin.end();
  }
}

async function onNats(url: string, options: AggregateBenchOptions): Promise<AggregateBenchSize[]> {
  const admin = await connect({ servers: url }); // fails early when no server answers
  const streams: string[] = [];
  try {
    return await aggregateBenchmarks(
      () => {
        const stream = `bench_w6_${randomBytes(5).toString('hex')}`;
        streams.push(stream);
        return NatsEventStore.connect({ servers: url, stream });
      },
      {
        ...options,
        createSnapshotStore: async (store) => {
          const nats = asStore(store, NatsEventStore);
          const snapshots = new NatsSnapshotStore(nats.connection, { prefix: nats.streamName });
          await snapshots.ensure();
          return snapshots;
        },
      },
    );
  } finally {
    const jsm = await jetstreamManager(admin);
    for (const stream of streams) {
      for (const name of [stream, `KV_${stream}_ids`, `KV_${stream}-snapshots`])
        await jsm.streams.delete(name).catch(() => false);
    }
    await admin.close();
  }
}

/**
 * Runs W6 on each backend in turn, each with its own snapshot store, and
 * returns the results (a backend that fails carries its error instead).
 *
 * @example
 * ```ts
 * const all = await aggregateBenchmarksOnBackends({ backends: ['memory', 'sqlite'] });
 * console.log(formatAggregateBackends(all));
 * ```
 */
export async function aggregateBenchmarksOnBackends(
  options: AggregateBackendsOptions = {},
): Promise<AggregateBackendResult[]> {
  const { backends = ['memory', 'sqlite', 'postgres'], connectionString, ...bench } = options;
  const out: AggregateBackendResult[] = [];
  for (const backend of backends) {
    try {
      const results =
        backend === 'memory'
          ? await onMemory(bench)
          : backend === 'sqlite'
            ? await onSqlite(bench)
            : backend === 'nats'
              ? await onNats(BENCH_NATS_URL, bench)
              : await onPostgres(connectionString ?? DEFAULT_W6_POSTGRES_URL, bench);
      out.push({ backend, results });
    } catch (error) {
      out.push({
        backend,
        results: [],
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return out;
}

const BACKEND_NAMES: Record<AggregateBackend, string> = {
  memory: 'in-memory',
  sqlite: 'SQLite (file)',
  postgres: 'PostgreSQL',
  nats: 'NATS JetStream',
};

function rate(eventsPerSecond: number): string {
  if (eventsPerSecond >= 1e6) return `${(eventsPerSecond / 1e6).toFixed(2)} M`;
  if (eventsPerSecond >= 1e3) return `${(eventsPerSecond / 1e3).toFixed(1)} k`;
  return eventsPerSecond.toFixed(0);
}

/**
 * The summary table: per backend and size, events folded per second without
 * a snapshot (class aggregate) and with one, and the speed-up; a Markdown table.
 */
export function formatAggregateBackendsSummary(all: readonly AggregateBackendResult[]): string {
  const lines = [
    '| backend | events | no snapshot (ev/s) | with snapshot (ev/s) | speed-up |',
    '| ------- | -----: | -----------------: | -------------------: | -------: |',
  ];
  for (const { backend, results, error } of all) {
    if (error !== undefined) {
      lines.push(`| ${BACKEND_NAMES[backend]} | — | not run: ${error} | | |`);
      continue;
    }
    for (const r of results) {
      lines.push(
        `| ${BACKEND_NAMES[backend]} | ${r.size.toLocaleString('en-US')} | ${rate(r.classAggregate.median)} | ${rate(r.withSnapshot.median)} | ${r.snapshotSpeedup.toFixed(1)}× |`,
      );
    }
  }
  return lines.join('\n');
}

/** Every backend's full table, then the summary. */
export function formatAggregateBackends(all: readonly AggregateBackendResult[]): string {
  const sections = all.map(({ backend, results, error }) =>
    error === undefined
      ? `${BACKEND_NAMES[backend]}\n${formatAggregateBenchmarks(results)}`
      : `${BACKEND_NAMES[backend]}: not run (${error})`,
  );
  return [...sections, 'Summary', formatAggregateBackendsSummary(all)].join('\n\n');
}

function parseBackends(text: string): AggregateBackend[] {
  const known = Object.keys(BACKEND_NAMES);
  return text
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map((b) => {
      if (!known.includes(b)) throw new Error(`unknown backend "${b}" (use ${known.join(', ')})`);
      return b as AggregateBackend;
    });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'memory,sqlite,postgres,nats' },
      runs: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
    },
  });
  console.log('W6 aggregate rehydration on every backend (events rehydrated per second)\n');
  const all = await aggregateBenchmarksOnBackends({
    backends: parseBackends(values.backends),
    runs: Number(values.runs),
    warmup: Number(values.warmup),
  });
  console.log(formatAggregateBackends(all));
}
