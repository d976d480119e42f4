import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { describe, expect, it } from 'vitest';
import {
  createEventStore,
  EventfoldError,
  type AppendResult,
  type NewEvent,
} from '../../src/index.js';
import { NatsEventStore, type NatsEventStoreOptions } from '../../src/stores/nats/index.js';
import { natsUrl, uniquePrefix, useNats } from '../support/nats-test.js';

const NATS_URL = natsUrl.includes('://') ? natsUrl : `nats://${natsUrl}`;

const events = (n: number, type = 'Happened', tags: string[] = []): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({ type, data: { n: i }, tags }));

/** The error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<EventfoldError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EventfoldError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const nats = useNats();

describe('NatsEventStore', () => {
  /** A second connection, as another process would have (closed after the file). */
  const otherConnection = () => nats.connectAnother();

  function open(options: NatsEventStoreOptions = {}, connection = nats.connection()) {
    return NatsEventStore.connect({
      stream: uniquePrefix('s'),
      ...options,
      connection,
    });
  }

  it('opens by URL through createEventStore, owns that connection and closes it', async () => {
    const stream = uniquePrefix('u');
    const store = await createEventStore(`${NATS_URL}?stream=${stream}`);
    if (!(store instanceof NatsEventStore)) throw new Error('not a NatsEventStore');
    expect(store.streamName).toBe(stream);
    await store.append('Task-1', events(2));
    expect((await store.read('Task-1')).version).toBe(2);
    await store.close();
    expect(store.connection.isClosed()).toBe(true);
  });

  it('leaves a connection it was given open', async () => {
    const store = await open();
    await store.close();
    expect(nats.connection().isClosed()).toBe(false);
  });

  it('refuses bad URLs and options with typed errors', async () => {
    for (const url of ['nats://', 'nats://h:1?stream=a&nope=1', 'nats://h:1?replicas=0', 'nats:h'])
      expect((await rejection(createEventStore(url))).code).toBe('VALIDATION');
    for (const options of [
      { stream: 'a.b' },
      { stream: '' },
      { stream: 'x*' },
      { replicas: 0 },
      { duplicateWindowMs: -1 },
      { timeoutMs: 'soon' },
      { servers: 42 },
      { connection: {} },
    ])
      expect((await rejection(NatsEventStore.connect(options as never))).code).toBe(
        'INVALID_OPTION',
      );
    expect(() => new NatsEventStore({})).toThrow(/NatsConnection/);
    const unreachable = await rejection(
      NatsEventStore.connect({ servers: 'nats://127.0.0.1:1', timeoutMs: 500 }),
    );
    expect(unreachable.code).toBe('DATABASE');
    expect((unreachable as unknown as { connectionLost: boolean }).connectionLost).toBe(true);
  });

  it('refuses replicated streams on a server before 2.9.21 unless told otherwise', async () => {
    const version = nats.connection().info?.version ?? '';
    if (!/^2\.9\.([0-9]|1[0-9]|20)$/.test(version)) return; // a newer server takes them
    const stream = uniquePrefix('r');
    const error = await rejection(open({ stream, replicas: 3 }));
    expect(error.code).toBe('UNSAFE_REPLICATION');
    const jsm = await jetstreamManager(nats.connection());
    await expect(jsm.streams.info(stream)).rejects.toThrow(/not found/);
  });

  it('refuses a stream that cannot hold an event store with a MigrationError', async () => {
    const stream = uniquePrefix('m');
    const jsm = await jetstreamManager(nats.connection());
    await jsm.streams.add({ name: stream, subjects: [`${stream}.other.>`] });
    expect((await rejection(open({ stream }))).code).toBe('MIGRATION');
  });

  it('replays appends by event id after a restart, long after the duplicate window', async () => {
    const stream = uniquePrefix('i');
    const first = await open({ stream, duplicateWindowMs: 100 });
    const batch = [
      { id: randomUUID(), type: 'A', data: {} },
      { id: randomUUID(), type: 'B', data: {} },
    ];
    const original = await first.append('Order-1', batch, { expectedVersion: 'no_stream' });
    await first.append('Order-2', events(3));
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await open({ stream }, await otherConnection());
    expect(await second.append('Order-1', batch, { expectedVersion: 'no_stream' })).toEqual(
      original,
    );
    expect(await second.append('Order-1', batch)).toEqual(original);
    const partial = [batch[0] as NewEvent, { id: randomUUID(), type: 'C', data: {} }];
    expect((await rejection(second.append('Order-1', partial))).code).toBe('EVENT_ID_CONFLICT');
    expect((await rejection(second.append('Order-9', batch))).code).toBe('EVENT_ID_CONFLICT');
    expect(await second.readAll().toArray()).toHaveLength(5);
    await second.close();
  });

  it('rebuilds a lost id index from the stream (a crash between a publish and its index write)', async () => {
    const stream = uniquePrefix('x');
    const store = await open({ stream, duplicateWindowMs: 100 });
    const batch = [{ id: randomUUID(), type: 'A', data: {} }];
    const original = await store.append('Order-1', batch);
    await store.append('Order-1', [{ id: randomUUID(), type: 'B', data: {} }]); // indexes the first
    await store.close();
    // What a crash right after the first publish leaves: neither its index entry nor the watermark.
    const kv = await new Kvm(nats.connection()).open(`${stream}_ids`);
    await kv.purge('watermark');
    await kv.purge(batch[0]?.id ?? '');
    await new Promise((resolve) => setTimeout(resolve, 200)); // past the duplicate window
    const restarted = await open({ stream }, await otherConnection());
    expect(await restarted.append('Order-1', batch, { expectedVersion: 0 })).toEqual(original);
    expect((await restarted.read('Order-1')).version).toBe(2);
    await restarted.close();
  });

  it('lets exactly one of two connections win each expected version', async () => {
    const stream = uniquePrefix('c');
    const a = await open({ stream });
    const b = await open({ stream }, await otherConnection());
    const rounds = 30;
    for (let version = 0; version < rounds; version++) {
      const outcomes = await Promise.allSettled([
        a.append('Race-1', events(1, 'A'), { expectedVersion: version }),
        b.append('Race-1', events(1, 'B'), { expectedVersion: version }),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as EventfoldError).code).toBe('CONCURRENCY');
      expect((won[0] as PromiseFulfilledResult<AppendResult>).value.version).toBe(version + 1);
    }
    // Appends at any version from both sides are all kept, numbered without a gap or a repeat.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).append('Race-2', events(2))),
    );
    const read = await a.read('Race-2');
    expect(read.events.map((e) => e.version)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    await a.close();
    await b.close();
  });

  it('lets only one of two racing conditional appends through', async () => {
    const stream = uniquePrefix('d');
    const a = await open({ stream });
    const b = await open({ stream }, await otherConnection());
    for (let round = 0; round < 15; round++) {
      const tag = `course:${round}`;
      const query = { items: [{ tags: [tag] }] };
      const [seenA, seenB] = await Promise.all([a.readByQuery(query), b.readByQuery(query)]);
      await a.append('Noise-1', events(1)); // a write that matches nothing moves the head
      const outcomes = await Promise.allSettled([
        a.append(`Student-a${round}`, events(1, 'Subscribed', [tag]), {
          condition: { failIfEventsMatch: query, after: seenA.position },
        }),
        b.append(`Student-b${round}`, events(1, 'Subscribed', [tag]), {
          condition: { failIfEventsMatch: query, after: seenB.position },
        }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as EventfoldError).code).toBe('APPEND_CONDITION');
      expect((await a.readByQuery(query)).events).toHaveLength(1);
    }
    await a.close();
    await b.close();
  });

  it('never lets an append in after a racing tombstone', async () => {
    const stream = uniquePrefix('t');
    const a = await open({ stream });
    const b = await open({ stream }, await otherConnection());
    await a.append('Doomed-1', events(1));
    const results: AppendResult[] = [];
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        try {
          results.push(await a.append('Doomed-1', events(1)));
        } catch (error) {
          expect((error as EventfoldError).code).toBe('STREAM_DELETED');
          return;
        }
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const deleted = await b.deleteStream('Doomed-1', { hard: true });
    stop = true;
    await writing;
    expect(Math.max(...results.map((r) => r.version))).toBeLessThanOrEqual(deleted.version);
    expect(deleted.version).toBe(results.length + 1);
    expect((await rejection(a.read('Doomed-1'))).code).toBe('STREAM_DELETED');
    expect((await rejection(a.append('Doomed-1', events(1)))).code).toBe('STREAM_DELETED');
    await a.close();
    await b.close();
  });

  it('stores an append larger than the server takes in one message, in parts, and scavenges them', async () => {
    const stream = uniquePrefix('l');
    const store = await open({ stream, maxEventBytes: 4 * 1024 * 1024 });
    const big = 'x'.repeat(1_500_000);
    const result = await store.append('Big-1', [
      { type: 'A', data: big },
      { type: 'B', data: big },
    ]);
    expect(result.version).toBe(2);
    const read = await store.read('Big-1');
    expect(read.events.map((e) => (e.data as string).length)).toEqual([1_500_000, 1_500_000]);
    expect((await store.readAll().toArray()).map((e) => e.type)).toEqual(['A', 'B']);
    await store.deleteStream('Big-1', { hard: true });
    await store.append('Other-1', events(1));
    expect((await store.scavenge()).eventsRemoved).toBe(2);
    const jsm = await jetstreamManager(nats.connection());
    const info = await jsm.streams.info(stream, { subjects_filter: `${stream}.c.>` });
    expect(info.state.subjects ?? {}).toEqual({});
    await store.close();
  });

  it("wakes listeners with another process's appends", async () => {
    const stream = uniquePrefix('w');
    const a = await open({ stream });
    const b = await open({ stream }, await otherConnection());
    let heard = 0;
    const listening = b.onAppended(() => {
      heard++;
    });
    await listening.ready;
    await a.append('Task-1', events(1));
    await expect.poll(() => heard, { timeout: 2000 }).toBeGreaterThan(0);
    listening();
    await a.close();
    await b.close();
  });

  it('hides what another process scavenged from part of an append', async () => {
    const stream = uniquePrefix('v');
    const a = await open({ stream });
    const b = await open({ stream }, await otherConnection());
    await a.append('Cut-1', events(4));
    await b.readAll().toArray(); // b has read the feed before the scavenge
    await a.truncateStream('Cut-1', { before: 3 });
    await a.append('Other-1', events(1));
    expect((await a.scavenge()).eventsRemoved).toBe(2);
    const seen = await b.readAll().toArray();
    expect(seen.map((e) => [e.streamId, e.version])).toEqual([
      ['Cut-1', 3],
      ['Cut-1', 4],
      ['Other-1', 1],
    ]);
    expect(await b.countEventsAfter(undefined, {}, 100)).toBe(3);
    await a.close();
    await b.close();
  });
});
