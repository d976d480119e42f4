/**
 * The forwarder's cases, run against each broker by test/integrations/outbox-*.test.ts: a harness
 * gives a fresh target (publisher, a reader of what the broker holds, a way to make it refuse a
 * category) and the stores come from the memory, SQLite-file and PostgreSQL backends.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, type EventStore, type Position } from '../../../src/index.js';
import { SqliteEventStore } from '../../../src/stores/sqlite/index.js';
import {
  startForwarder,
  type ForwarderOptions,
  type OutboxMessage,
  type Publisher,
} from '../../../src/integrations/outbox/index.js';
import { createTempDir } from '../../sqlite/support/temp-dir.js';
import { sleep, within } from '../../support/wait.js';

/** A fresh place on the broker for one test. */
export interface Target {
  publisher(): Publisher;
  /** Everything the broker holds for this target, in the broker's order (after the broker's dedup, if any). */
  read(): Promise<OutboxMessage[]>;
  /** Makes the broker refuse every event of `category` from now on. */
  refuse(category: string): Promise<void>;
  /** Whether the broker itself drops a copy with a known id (else the consumer does). */
  readonly brokerDedup: boolean;
  cleanup(): Promise<void>;
}

export interface BrokerHarness {
  readonly name: string;
  target(): Promise<Target>;
}

const dir = createTempDir('eventfold-outbox-');
afterAll(() => dir.remove());

/** Appends `perStream` events to each of `streams` streams, round-robin so the feed interleaves them. */
export async function appendEvents(
  store: EventStore,
  streams: readonly string[],
  perStream: number,
  from = 1,
): Promise<Position> {
  let position: Position | undefined;
  for (let v = from; v < from + perStream; v++) {
    for (const stream of streams) {
      const result = await store.append(stream, [{ type: 'Happened', data: { stream, n: v } }]);
      position = result.position;
    }
  }
  if (position === undefined) throw new Error('no event appended');
  return position;
}

/**
 * Appends 40 rounds of one event per stream, 10 ms apart, while `restart` stops and starts the
 * broker 150 ms in; then waits (up to `timeoutMs`) for the forwarder to pass the last event and
 * checks it saw the broker unavailable and parked nothing. Resolves once all that holds.
 */
export async function forwardThroughRestart(
  store: EventStore,
  streams: readonly string[],
  forwarder: {
    waitForPosition(position: Position): Promise<void>;
    status(): Promise<{ parked: number }>;
  },
  errors: readonly unknown[],
  server: { stop(): Promise<void>; start(): Promise<void> },
  timeoutMs?: number,
): Promise<void> {
  let head: Position | undefined;
  const writing = (async () => {
    for (let round = 1; round <= 40; round++) {
      head = await appendEvents(store, streams, 1, round);
      await sleep(10);
    }
  })();
  await sleep(150);
  await server.stop(); // mid-stream
  await sleep(300);
  await server.start();
  await writing;
  if (head === undefined) throw new Error('nothing appended');
  await within(forwarder.waitForPosition(head), 'the forwarder after the restart', timeoutMs);
  expect(errors.some((e) => (e as { code?: string }).code === 'BROKER_UNAVAILABLE')).toBe(true);
  expect((await forwarder.status()).parked).toBe(0);
}

/** Checks what a consumer sees after dropping seen ids: every expected event once, each stream in version order. */
export function expectDelivered(
  messages: readonly OutboxMessage[],
  expected: ReadonlyMap<string, number>,
  brokerDedup: boolean,
): void {
  const ids = new Set<string>();
  const unique = messages.filter((m) => (ids.has(m.id) ? false : (ids.add(m.id), true)));
  if (brokerDedup) expect(unique.length).toBe(messages.length);
  const versions = new Map<string, number[]>();
  for (const m of unique)
    versions.set(m.streamId, [...(versions.get(m.streamId) ?? []), m.version]);
  expect(Object.fromEntries([...versions].map(([s, v]) => [s, v.length]))).toEqual(
    Object.fromEntries(expected),
  );
  for (const [stream, list] of versions) {
    expect(list, stream).toEqual(list.map((_, i) => i + 1));
  }
}

/** Wraps a publisher to count its publishes in flight, as the broker sees them. */
export function counting(publisher: Publisher): Publisher & { readonly peak: number } {
  let inFlight = 0;
  let peak = 0;
  return {
    name: publisher.name,
    get peak() {
      return peak;
    },
    publish(events) {
      inFlight += events.length;
      peak = Math.max(peak, inFlight);
      return publisher.publish(events).map((p) =>
        p.finally(() => {
          inFlight--;
        }),
      );
    },
    close: () => publisher.close(),
  };
}

const streamsOf = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Fast retries for the tests. */
export const FAST_RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 } as const;

export function runOutboxCases(harness: BrokerHarness): void {
  describe(`outbox forwarder to ${harness.name}`, () => {
    const forward = (store: EventStore, options: ForwarderOptions) =>
      startForwarder(store, options);

    it('forwards every event once, in per-stream order, from the memory store', async () => {
      const target = await harness.target();
      try {
        const store = new InMemoryEventStore();
        const streams = [...streamsOf('Order', 5), ...streamsOf('Invoice', 3)];
        const head = await appendEvents(store, streams, 6);
        const forwarder = forward(store, {
          name: 'fwd',
          publisher: target.publisher(),
          batchSize: 10,
        });
        await within(forwarder.waitForPosition(head), 'the forwarder');
        const last = await appendEvents(store, streams, 2, 7); // live events too
        await within(forwarder.waitForPosition(last), 'the live events');
        const status = await forwarder.status();
        await forwarder.stop();
        expect(status.confirmed).toBe(64);
        expect(status.checkpoint).toBe(last);
        expectDelivered(
          await target.read(),
          new Map(streams.map((s) => [s, 8])),
          target.brokerDedup,
        );
      } finally {
        await target.cleanup();
      }
    });

    it('resumes from its stored checkpoint on a SQLite file; a forwarder without one adds no copy', async () => {
      const target = await harness.target();
      const file = dir.file();
      try {
        const streams = streamsOf('Cart', 4);
        {
          await using store = new SqliteEventStore(file);
          const head = await appendEvents(store, streams, 3);
          const forwarder = forward(store, { name: 'fwd', publisher: target.publisher() });
          await within(forwarder.waitForPosition(head), 'the first run');
          await forwarder.stop();
          await appendEvents(store, streams, 2, 4); // appended while it is stopped
        }
        await using store = new SqliteEventStore(file);
        const head = await appendEvents(store, streams, 1, 6);
        const forwarder = forward(store, { name: 'fwd', publisher: target.publisher() });
        await within(forwarder.waitForPosition(head), 'the second run');
        await forwarder.stop();
        expect((await target.read()).length).toBe(24); // resumed: nothing sent twice
        // A new name starts from the start: every event is sent again, and dropped as a copy.
        const again = forward(store, { name: 'fwd-again', publisher: target.publisher() });
        await within(again.waitForPosition(head), 'the replay');
        await again.stop();
        expectDelivered(
          await target.read(),
          new Map(streams.map((s) => [s, 6])),
          target.brokerDedup,
        );
      } finally {
        await target.cleanup();
      }
    });

    it('keeps at most maxInFlight publishes in flight, and advances only past confirmed events', async () => {
      const target = await harness.target();
      try {
        const store = new InMemoryEventStore();
        const streams = streamsOf('Load', 40);
        const head = await appendEvents(store, streams, 5);
        const publisher = counting(target.publisher());
        const forwarder = forward(store, { name: 'fwd', publisher, maxInFlight: 7, batchSize: 50 });
        await within(forwarder.waitForPosition(head), 'the forwarder');
        const status = await forwarder.status();
        await forwarder.stop();
        expect(publisher.peak).toBeLessThanOrEqual(7);
        expect(publisher.peak).toBeGreaterThan(1); // pipelined, not one by one
        expect(status.peakInFlight).toBeLessThanOrEqual(7);
        expect(status.inFlight).toBe(0);
        expectDelivered(
          await target.read(),
          new Map(streams.map((s) => [s, 5])),
          target.brokerDedup,
        );
      } finally {
        await target.cleanup();
      }
    });

    it('parks the events the broker refuses after its retries, and forwards the rest', async () => {
      const target = await harness.target();
      try {
        await target.refuse('Poison');
        const store = new InMemoryEventStore();
        const good = streamsOf('Good', 3);
        const bad = streamsOf('Poison', 2);
        const head = await appendEvents(store, [...good, ...bad], 3);
        const errors: unknown[] = [];
        const forwarder = forward(store, {
          name: 'fwd',
          publisher: target.publisher(),
          retry: FAST_RETRY,
          onError: (error) => errors.push(error),
        });
        await within(forwarder.waitForPosition(head), 'the forwarder');
        const status = await forwarder.status();
        const parked = await forwarder.replayParked(); // still refused: they stay parked
        await forwarder.stop();
        expect(status.parked).toBe(6);
        expect(parked).toEqual({ replayed: 0, failed: 6 });
        expect(errors.length).toBeGreaterThanOrEqual(6 * 3);
        expect(errors.every((e) => (e as { code?: string }).code === 'PUBLISH_REJECTED')).toBe(
          true,
        );
        expectDelivered(await target.read(), new Map(good.map((s) => [s, 3])), target.brokerDedup);
      } finally {
        await target.cleanup();
      }
    });
  });
}
