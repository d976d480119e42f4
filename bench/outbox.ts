/**
 * Outbox forwarding benchmark: events per second forwarded by `startForwarder`
 * (eventfold/outbox) from a store's feed of 20,000 events over 200 streams
 * (200-byte payloads, the streams interleaved in the feed) to Redis Streams,
 * RabbitMQ and NATS JetStream, from the memory store (so the store is not the
 * bottleneck) and from a SQLite file, beside the raw client publishing the
 * same messages with the same guarantees and in-flight window (Redis: the
 * publisher's Lua dedup script, one call per window; RabbitMQ: a confirm
 * channel, persistent messages to a durable queue, waiting for the confirms;
 * NATS: `js.publish` with the msgID, awaiting the PubAcks). Every run
 * publishes to a fresh stream, queue or key prefix, checks the broker holds
 * every event, and removes it.
 *
 * Run with `npx tsx bench/outbox.ts [--brokers redis,rabbitmq,nats]
 * [--backends memory,sqlite] [--events 20000] [--streams 200] [--window 64]
 * [--runs 3]`. Brokers: `REDIS_URL`, `AMQP_URL`, `NATS_URL`, else the local
 * services. A combined bench calls {@link outboxBenchmarks}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { InMemoryEventStore, type EventStore, type Position } from '../src/index.js';
import { startForwarder } from '../src/integrations/outbox/index.js';
import { SqliteEventStore } from '../src/stores/sqlite/index.js';
import { measure, payload200, type Measurement } from './lib/measure.js';
import {
  connectBroker,
  type BrokerBench,
  type BrokerUrls,
  type Destination,
  type OutboxBenchBroker,
} from './lib/outbox-brokers.js';

export type { OutboxBenchBroker } from './lib/outbox-brokers.js';

/** A store the forwarder reads from. */
export type OutboxBenchBackend = 'memory' | 'sqlite';

/** Options of {@link outboxBenchmarks}. */
export interface OutboxBenchOptions {
  /** Brokers to run (default all three). */
  brokers?: readonly OutboxBenchBroker[];
  /** Stores the forwarder reads from (default memory and a SQLite file). */
  backends?: readonly OutboxBenchBackend[];
  /** Events forwarded per run (default 20,000). */
  events?: number;
  /** Streams they are spread over, round-robin (default 200). */
  streams?: number;
  /** Publishes unconfirmed at once, at most: the forwarder's `maxInFlight` and the raw client's window (default 64). */
  window?: number;
  /** Timed runs (default 3). */
  runs?: number;
  /** Untimed runs first (default 1). */
  warmup?: number;
  /** Where the brokers are (default the environment's `REDIS_URL`, `AMQP_URL`, `NATS_URL`, else the local services). */
  urls?: BrokerUrls;
}

/** One row: a broker, and who published (the raw client, or the forwarder from a store). */
export interface OutboxBenchResult {
  readonly broker: OutboxBenchBroker;
  readonly publisher: 'raw client' | `forwarder (${OutboxBenchBackend})`;
  readonly measurement: Measurement;
  /** This row's median ÷ the raw client's on the same broker (1 for the raw client). */
  readonly ofRaw: number;
}

/** Appends `events` single-event appends, round-robin over `streams` streams; the last position. */
async function fill(store: EventStore, events: number, streams: number): Promise<Position> {
  let last: Position | undefined;
  for (let i = 0; i < events; i++) {
    const data = payload200(i);
    last = (await store.append(`Task-${i % streams}`, [{ type: 'TaskUpdated', data }])).position;
  }
  if (last === undefined) throw new Error('no events');
  return last;
}

function openStore(backend: OutboxBenchBackend): {
  store: EventStore;
  close(): Promise<void>;
} {
  if (backend === 'memory') {
    const store = new InMemoryEventStore();
    return { store, close: () => store.close() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-outbox-'));
  const store = new SqliteEventStore(join(dir, 'events.db'));
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Times `publish` into a fresh destination per run, checking the broker then holds `events` messages. */
function timed(
  broker: BrokerBench,
  name: string,
  events: number,
  publish: (destination: Destination, run: number) => Promise<void>,
  runs: number,
  warmup: number,
): Promise<Measurement> {
  let run = 0;
  return measure(
    {
      name,
      count: events,
      setup: async () => ({ destination: await broker.destination(), run: run++ }),
      run: ({ destination, run: n }) => publish(destination, n),
      teardown: async ({ destination }) => {
        try {
          const held = await destination.count();
          if (held !== events) throw new Error(`${name}: the broker holds ${held} of ${events}`);
        } finally {
          await destination.remove();
        }
      },
    },
    runs,
    warmup,
  );
}

/** Runs the raw client and the forwarder from each backend, on each broker. */
export async function outboxBenchmarks(
  options: OutboxBenchOptions = {},
): Promise<OutboxBenchResult[]> {
  const {
    brokers = ['redis', 'rabbitmq', 'nats'],
    backends = ['memory', 'sqlite'],
    events = 20_000,
    streams = 200,
    window = 64,
    runs = 3,
    warmup = 1,
    urls = { redis: process.env.REDIS_URL, amqp: process.env.AMQP_URL, nats: process.env.NATS_URL },
  } = options;
  const stores = new Map<OutboxBenchBackend, { store: EventStore; close(): Promise<void> }>();
  const heads = new Map<OutboxBenchBackend, Position>();
  const results: OutboxBenchResult[] = [];
  try {
    for (const backend of new Set<OutboxBenchBackend>(['memory', ...backends])) {
      const opened = openStore(backend);
      stores.set(backend, opened);
      heads.set(backend, await fill(opened.store, events, streams));
    }
    // The raw client's messages: the same events, read once (untimed) from the memory store.
    const feed = await (stores.get('memory')?.store as EventStore).readAll().toArray();
    for (const name of brokers) {
      const broker = await connectBroker(name, urls);
      try {
        const raw = await timed(
          broker,
          `${name} raw`,
          events,
          (destination) => destination.raw(feed, window),
          runs,
          warmup,
        );
        results.push({ broker: name, publisher: 'raw client', measurement: raw, ofRaw: 1 });
        for (const backend of backends) {
          const { store } = stores.get(backend) as { store: EventStore };
          const head = heads.get(backend) as Position;
          const forwarded = await timed(
            broker,
            `${name} forwarder (${backend})`,
            events,
            async (destination, run) => {
              const forwarder = startForwarder(store, {
                name: `bench-${name}-${run}`,
                publisher: destination.publisher(),
                maxInFlight: window,
              });
              await forwarder.waitForPosition(head);
              await forwarder.stop();
            },
            runs,
            warmup,
          );
          results.push({
            broker: name,
            publisher: `forwarder (${backend})`,
            measurement: forwarded,
            ofRaw: forwarded.median / raw.median,
          });
        }
      } finally {
        await broker.close();
      }
    }
  } finally {
    for (const opened of stores.values()) await opened.close();
  }
  return results;
}

/** Formats results as an aligned text table. */
export function formatOutboxBenchmarks(results: readonly OutboxBenchResult[]): string {
  const lines = [['broker', 'publisher', 'events/s (median)', 'min–max', 'forwarder ÷ raw']];
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  for (const r of results) {
    const m = r.measurement;
    const ratio = r.publisher === 'raw client' ? '' : r.ofRaw.toFixed(2);
    lines.push([r.broker, r.publisher, n(m.median), `${n(m.min)}–${n(m.max)}`, ratio]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      brokers: { type: 'string', default: 'redis,rabbitmq,nats' },
      backends: { type: 'string', default: 'memory,sqlite' },
      events: { type: 'string', default: '20000' },
      streams: { type: 'string', default: '200' },
      window: { type: 'string', default: '64' },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
    },
  });
  const list = (s: string) => s.split(',').map((b) => b.trim());
  const results = await outboxBenchmarks({
    brokers: list(values.brokers) as OutboxBenchBroker[],
    backends: list(values.backends) as OutboxBenchBackend[],
    events: Number(values.events),
    streams: Number(values.streams),
    window: Number(values.window),
    runs: Number(values.runs),
    warmup: Number(values.warmup),
  });
  console.log(formatOutboxBenchmarks(results));
}
