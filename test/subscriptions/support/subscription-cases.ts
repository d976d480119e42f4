/**
 * The store-parameterised subscription cases: every backend runs them with
 * its own store, storage and read model (see backend.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/index.js';
import {
  HandlerFailedError,
  readSubscriptionStatuses,
  resetProjection,
  startProjection,
  subscribe,
  type Projection,
  type SubscriptionErrorInfo,
} from '../../../src/subscriptions/index.js';
import type { BackendInstance, SubscriptionBackend } from './backend.js';
import { sleep, waitFor, within } from '../../support/wait.js';
import { appendMany, expectedRows, lastPosition, runWriters } from './writers.js';

const FAST_RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 } as const;
/** A poll interval no test waits for: delivery within a test proves the append signal woke the subscription. */
const NO_POLL = 60_000;

/** A projection whose handlers throw for the events `fails` picks, and otherwise do what `inner`'s do. */
function failing<Tx>(
  inner: Projection<Tx>,
  fails: (event: RecordedEvent) => boolean,
): Projection<Tx> {
  const handlers = Object.fromEntries(
    Object.entries(inner.handlers).map(([type, handler]) => [
      type,
      (event: RecordedEvent, tx: Tx) => {
        if (fails(event)) throw new Error(`boom at ${event.streamId}@${event.version}`);
        return handler?.(event, tx);
      },
    ]),
  );
  return { ...inner, handlers };
}

export function runSubscriptionCases<Tx>(
  backend: SubscriptionBackend<Tx> & { readonly atomic: boolean },
): void {
  describe(`subscriptions on ${backend.label}`, () => {
    let instance: BackendInstance<Tx>;
    let stops: (() => Promise<void>)[] = [];
    const track = <S extends { stop(): Promise<void> }>(subscription: S): S => {
      stops.push(() => subscription.stop());
      return subscription;
    };

    beforeEach(async () => {
      instance = await backend.open();
    });
    afterEach(async () => {
      await Promise.all(stops.map((stop) => stop()));
      stops = [];
      await instance.close();
    });

    it('catches up in batches, signals caughtUp, then goes live with no gap and no duplicate while writers append', async () => {
      const { store, storage } = instance;
      await runWriters(store, { writers: 1, appends: 40 });
      const seen: RecordedEvent[] = [];
      const writing = runWriters(store, { writers: 3, appends: 25 });
      const sub = track(
        subscribe(store, {
          name: 'all',
          storage,
          batchSize: 25,
          pollIntervalMs: NO_POLL,
          handler: (e) => void seen.push(e),
        }),
      );
      await within(sub.caughtUp, 'caughtUp');
      const writes = await writing;
      await within(sub.waitForPosition(lastPosition(writes)), 'the writers’ events');
      // The last append comes after the writers: only the append signal can deliver it in time.
      const last = await store.append('Task-last', [{ type: 'Created', data: {} }]);
      await within(sub.waitForPosition(last.position), 'the live event');
      const feed = await store.readAll().toArray();
      expect(seen.map((e) => e.id)).toEqual(feed.map((e) => e.id));
      expect(sub.state).toBe('live');
    });

    it('is woken by appends within a long poll interval, one append at a time', async () => {
      const { store, storage } = instance;
      const seen: number[] = [];
      const sub = track(
        subscribe(store, {
          name: 'woken',
          storage,
          pollIntervalMs: NO_POLL,
          handler: (e) => void seen.push(e.version),
        }),
      );
      await within(sub.caughtUp, 'caughtUp on an empty store');
      for (let i = 1; i <= 3; i++) {
        await sleep(5); // let the subscription go back to waiting
        const { position } = await store.append('Task-1', [{ type: 'Created', data: { i } }]);
        await within(sub.waitForPosition(position), `live event ${i}`, 20_000);
      }
      expect(seen).toEqual([1, 2, 3]);
    });

    it('filters by event type, by category, and by both', async () => {
      const { store, storage } = instance;
      const options = {
        writers: 2,
        appends: 15,
        categories: ['Task', 'Order'],
        types: ['Created', 'Renamed', 'Closed'],
      };
      await runWriters(store, options);
      const byType: RecordedEvent[] = [];
      const byCategory: RecordedEvent[] = [];
      const byBoth: RecordedEvent[] = [];
      const subs = [
        subscribe(store, {
          name: 'types',
          storage,
          types: ['Closed'],
          handler: (e) => void byType.push(e),
        }),
        subscribe(store, {
          name: 'categories',
          storage,
          categories: ['Order'],
          handler: (e) => void byCategory.push(e),
        }),
        subscribe(store, {
          name: 'both',
          storage,
          types: ['Closed', 'Renamed'],
          categories: ['Order'],
          handler: (e) => void byBoth.push(e),
        }),
      ].map(track);
      await within(Promise.all(subs.map((s) => s.caughtUp)), 'caughtUp');
      await runWriters(store, options);
      const marker = await store.append('Order-marker', [{ type: 'Closed', data: {} }]);
      await within(Promise.all(subs.map((s) => s.waitForPosition(marker.position))), 'marker');
      const feed = await store.readAll().toArray();
      const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.id);
      expect(ids(byType)).toEqual(ids(feed.filter((e) => e.type === 'Closed')));
      expect(ids(byCategory)).toEqual(ids(feed.filter((e) => e.streamId.startsWith('Order-'))));
      expect(ids(byBoth)).toEqual(
        ids(feed.filter((e) => e.type !== 'Created' && e.streamId.startsWith('Order-'))),
      );
      expect(byType.length).toBeGreaterThan(0);
    });

    it('starts from the end or after a position without a checkpoint, and resumes from its checkpoint', async () => {
      const { store, storage } = instance;
      const before = await appendMany(store, 'Task-1', 4);
      const seen: string[] = [];
      const tail = track(
        subscribe(store, {
          name: 'tail',
          storage,
          from: 'end',
          handler: (e) => void seen.push(e.position),
        }),
      );
      await within(tail.caughtUp, 'caughtUp');
      const after = await appendMany(store, 'Task-2', 3);
      await within(tail.waitForPosition(lastPosition(after)), 'new events');
      await tail.stop();
      const more = await appendMany(store, 'Task-3', 2);
      // The checkpoint wins over `from`.
      const again = track(
        subscribe(store, {
          name: 'tail',
          storage,
          from: 'end',
          handler: (e) => void seen.push(e.position),
        }),
      );
      await within(again.waitForPosition(lastPosition(more)), 'events after the restart');
      expect(seen).toEqual([...after, ...more].map((r) => r.position));

      const fromPosition: string[] = [];
      const middle = (before[1] ?? before[0])?.position;
      if (middle === undefined) throw new Error('no event');
      const sub = track(
        subscribe(store, {
          name: 'from-position',
          storage,
          from: middle,
          handler: (e) => void fromPosition.push(e.position),
        }),
      );
      await within(sub.waitForPosition(lastPosition(more)), 'from a position');
      expect(fromPosition).toEqual([...before.slice(2), ...after, ...more].map((r) => r.position));
    });

    it('retries a throwing handler with backoff, parks the event after the last try, moves on, and replays parked events', async () => {
      const { store, storage } = instance;
      const results = await appendMany(store, 'Task-1', 6);
      let broken = true;
      let flaky = 2;
      const seen: number[] = [];
      const failures: SubscriptionErrorInfo[] = [];
      const sub = track(
        subscribe(store, {
          name: 'retry',
          storage,
          retry: FAST_RETRY,
          onError: (_error, info) => void failures.push(info),
          handler: (e) => {
            if (e.version === 3 && broken) throw new Error('boom');
            if (e.version === 5 && flaky-- > 0) throw new Error('flaky');
            seen.push(e.version);
          },
        }),
      );
      await within(sub.waitForPosition(lastPosition(results)), 'all events');
      expect(seen).toEqual([1, 2, 4, 5, 6]);
      expect(failures.map((f) => [f.event?.version, f.attempt])).toEqual([
        [3, 1],
        [3, 2],
        [3, 3],
        [5, 1],
        [5, 2],
      ]);
      const [letter, ...others] = await storage.deadLetters.list('retry');
      expect(others).toEqual([]);
      expect(letter).toMatchObject({
        subscription: 'retry',
        streamId: 'Task-1',
        version: 3,
        attempts: 3,
        error: { name: 'Error', message: 'boom' },
      });
      expect((await sub.status()).parked).toBe(1);

      expect(await sub.replayParked()).toEqual({ replayed: 0, failed: 1 });
      expect((await storage.deadLetters.list('retry'))[0]?.attempts).toBe(4);
      broken = false;
      expect(await sub.replayParked()).toEqual({ replayed: 1, failed: 0 });
      expect(seen).toEqual([1, 2, 4, 5, 6, 3]);
      expect(await storage.deadLetters.count('retry')).toBe(0);
    });

    it('a projection commits the events before a failing one, parks it with the checkpoint, and replays it in a transaction', async () => {
      const { store, storage, readModel } = instance;
      const results = await appendMany(store, 'Task-1', 20);
      let broken = true;
      const projection = failing(
        await readModel.projection('parking'),
        (e) => broken && e.version === 7,
      );
      const running = track(
        startProjection(store, projection, { storage, batchSize: 100, retry: FAST_RETRY }),
      );
      await within(running.waitForPosition(lastPosition(results)), 'all events');
      expect((await readModel.rows('parking')).get('Task-1')).toEqual({ version: 20, count: 19 });
      expect((await storage.deadLetters.list('parking')).map((l) => l.version)).toEqual([7]);
      broken = false;
      expect(await running.replayParked()).toEqual({ replayed: 1, failed: 0 });
      expect((await readModel.rows('parking')).get('Task-1')).toEqual({ version: 7, count: 20 });
      expect(await storage.deadLetters.count('parking')).toBe(0);
    });

    it("stops with onFailure: 'stop', keeping the checkpoint just before the failing event", async () => {
      const { store, storage } = instance;
      const results = await appendMany(store, 'Task-1', 4);
      const sub = track(
        subscribe(store, {
          name: 'stopper',
          storage,
          onFailure: 'stop',
          retry: { maxRetries: 1, initialDelayMs: 1 },
          handler: (e) => {
            if (e.version === 3) throw new Error('fatal');
          },
        }),
      );
      const failure: unknown = await sub.finished.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(HandlerFailedError.is(failure)).toBe(true);
      expect(failure).toMatchObject({ code: 'HANDLER_FAILED', attempts: 2 });
      expect(sub.state).toBe('failed');
      await expect(sub.caughtUp).rejects.toBe(failure);
      expect((await storage.checkpoints.load('stopper'))?.position).toBe(results[1]?.position);
      expect(await storage.deadLetters.count('stopper')).toBe(0);

      const seen: number[] = [];
      const fixed = track(
        subscribe(store, { name: 'stopper', storage, handler: (e) => void seen.push(e.version) }),
      );
      await within(fixed.waitForPosition(lastPosition(results)), 'the rest');
      expect(seen).toEqual([3, 4]);
    });

    it('a projection keeps its read model equal to the feed, and rebuilds from the start while writers append', async () => {
      const { store, storage, readModel } = instance;
      await runWriters(store, { writers: 1, appends: 30 });
      const projection = await readModel.projection('main');
      const writing = runWriters(store, { writers: 3, appends: 30 });
      const running = track(
        startProjection(store, projection, { storage, batchSize: 20, pollIntervalMs: NO_POLL }),
      );
      await waitFor(() => running.processed > 30, 'some events projected');
      await running.rebuild();
      const writes = await writing;
      await within(running.waitForPosition(lastPosition(writes)), 'every event');
      const feed = await store.readAll().toArray();
      expect(await readModel.rows('main')).toEqual(expectedRows(feed));
      expect((await storage.checkpoints.load('main'))?.position).toBe(feed.at(-1)?.position);
    });

    it('a running projection starts over when another process resets it (resetProjection)', async () => {
      const { store, storage, readModel } = instance;
      const peer = await instance.openPeer();
      const writes = await runWriters(store, { writers: 2, appends: 20 });
      const projection = await readModel.projection('reset');
      const running = track(
        startProjection(store, projection, { storage, batchSize: 10, pollIntervalMs: 30 }),
      );
      await within(running.waitForPosition(lastPosition(writes)), 'every event');
      const expected = expectedRows(await store.readAll().toArray());
      expect(await readModel.rows('reset')).toEqual(expected);
      // The operator's reset, from elsewhere, while the projection is idle and live.
      await resetProjection(peer.storage, projection);
      expect((await storage.checkpoints.load('reset'))?.position).toBeNull();
      await waitFor(
        async () => (await storage.checkpoints.load('reset'))?.position === lastPosition(writes),
        'the projection to start over and catch up',
      );
      expect(await readModel.rows('reset')).toEqual(expected);
      await peer.close();
    });

    // Only atomic storages (SQLite, PostgreSQL) promise this; the in-memory storage is at-least-once.
    if (backend.atomic)
      it('two instances of one projection without a lease still apply every event exactly once', async () => {
        const { store, storage, readModel } = instance;
        const peer = await instance.openPeer();
        const projection = await readModel.projection('zombies');
        const writing = runWriters(store, { writers: 3, appends: 25 });
        // The peer is another process's view: appends here do not wake it, so it polls often.
        const a = track(
          startProjection(store, projection, {
            storage,
            lease: false,
            batchSize: 7,
            pollIntervalMs: 50,
          }),
        );
        const b = track(
          startProjection(peer.store, projection, {
            storage: peer.storage,
            lease: false,
            batchSize: 5,
            pollIntervalMs: 50,
          }),
        );
        const writes = await writing;
        const last = lastPosition(writes);
        await within(Promise.all([a.waitForPosition(last), b.waitForPosition(last)]), 'both');
        const feed = await store.readAll().toArray();
        expect(await readModel.rows('zombies')).toEqual(expectedRows(feed));
        await b.stop();
        await peer.close();
      });

    it('runs one instance per name: a second waits for the lease and takes over when the first stops', async () => {
      const { store, storage } = instance;
      const peer = await instance.openPeer();
      const lease = { ttlMs: 5_000, retryMs: 20 }; // long: the first must not lose it to a slow event loop
      const seenA: string[] = [];
      const seenB: string[] = [];
      const a = track(
        subscribe(store, { name: 'leased', storage, lease, handler: (e) => void seenA.push(e.id) }),
      );
      await within(a.caughtUp, 'the first instance');
      const b = track(
        subscribe(peer.store, {
          name: 'leased',
          storage: peer.storage,
          lease,
          handler: (e) => void seenB.push(e.id),
        }),
      );
      await waitFor(() => b.state === 'waiting-for-lease', 'the second to wait');
      const first = await appendMany(store, 'Task-1', 3);
      await within(a.waitForPosition(lastPosition(first)), 'the first instance to handle them');
      expect(seenB).toEqual([]);
      expect((await b.status()).lease?.holder).toBeDefined();
      await a.stop();
      const second = await appendMany(store, 'Task-1', 3);
      await within(b.waitForPosition(lastPosition(second)), 'the second instance to take over');
      const feed = await store.readAll().toArray();
      expect(seenA).toEqual(feed.slice(0, 3).map((e) => e.id));
      expect(seenB).toEqual(feed.slice(3).map((e) => e.id));
      await b.stop();
      await peer.close();
    });

    it('takes over the lease of a holder that died', async () => {
      const { store, storage } = instance;
      await appendMany(store, 'Task-1', 2);
      const die = await instance.ghostLease('ghosted', 300);
      const seen: number[] = [];
      const sub = track(
        subscribe(store, {
          name: 'ghosted',
          storage,
          lease: { ttlMs: 1_000, retryMs: 20 },
          handler: (e) => void seen.push(e.version),
        }),
      );
      await waitFor(() => sub.state === 'waiting-for-lease', 'the subscription to wait');
      expect(seen).toEqual([]);
      await die();
      await within(sub.caughtUp, 'the takeover');
      expect(seen).toEqual([1, 2]);
    });

    it('consumer-group members together see every event exactly once, each stream wholly within one member, in order', async () => {
      const { store, storage } = instance;
      const members = 3;
      const seen: RecordedEvent[][] = Array.from({ length: members }, () => []);
      const writing = runWriters(store, { writers: 3, appends: 25, streams: 24 });
      const subs = Array.from({ length: members }, (_, member) =>
        track(
          subscribe(store, {
            name: 'group',
            storage,
            group: { members, member },
            batchSize: 17,
            handler: (e) => void seen[member]?.push(e),
          }),
        ),
      );
      expect(subs.map((s) => s.name)).toEqual(['group[0/3]', 'group[1/3]', 'group[2/3]']);
      const writes = await writing;
      await within(
        Promise.all(subs.map((s) => s.waitForPosition(lastPosition(writes)))),
        'every member',
      );
      const feed = await store.readAll().toArray();
      const all = seen.flat();
      expect(all).toHaveLength(feed.length);
      expect(new Set(all.map((e) => e.id))).toEqual(new Set(feed.map((e) => e.id)));
      const owner = new Map<string, number>();
      seen.forEach((events, member) => {
        const versions = new Map<string, number>();
        for (const e of events) {
          expect(owner.get(e.streamId) ?? member).toBe(member);
          owner.set(e.streamId, member);
          expect(e.version).toBe((versions.get(e.streamId) ?? 0) + 1);
          versions.set(e.streamId, e.version);
        }
      });
      expect(seen.filter((events) => events.length > 0).length).toBeGreaterThan(1);
      const names = (await storage.checkpoints.list()).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['group[0/3]', 'group[1/3]', 'group[2/3]']));
    });

    it('stops gracefully: finishes the event in hand, stores its checkpoint and releases the lease', async () => {
      const { store, storage } = instance;
      const results = await appendMany(store, 'Task-1', 5);
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered = (): void => undefined;
      const inHand = new Promise<void>((resolve) => (entered = resolve));
      const seen: number[] = [];
      const sub = track(
        subscribe(store, {
          name: 'graceful',
          storage,
          handler: async (e) => {
            if (e.version === 3) {
              entered();
              await gate;
            }
            seen.push(e.version);
          },
        }),
      );
      await within(inHand, 'the third event in hand');
      const stopping = sub.stop();
      expect(sub.state).toBe('stopping');
      release();
      await within(stopping, 'the stop');
      expect(sub.state).toBe('stopped');
      expect(seen).toEqual([1, 2, 3]);
      expect((await storage.checkpoints.load('graceful'))?.position).toBe(results[2]?.position);
      expect(await storage.leases.holderOf('graceful')).toBeUndefined();

      const again = track(
        subscribe(store, { name: 'graceful', storage, handler: (e) => void seen.push(e.version) }),
      );
      await within(again.waitForPosition(lastPosition(results)), 'the rest');
      expect(seen).toEqual([1, 2, 3, 4, 5]);
    });

    it('reports checkpoint, lag, state and parked count, for an instance and for operators', async () => {
      const { store, storage } = instance;
      const results = await appendMany(store, 'Task-1', 5);
      const sub = track(
        subscribe(store, {
          name: 'watched',
          storage,
          types: ['Created'],
          retry: { maxRetries: 0 },
          handler: (e) => {
            if (e.version === 2) throw new Error('nope');
          },
        }),
      );
      await within(sub.waitForPosition(lastPosition(results)), 'all events');
      const live = await sub.status();
      expect(live).toMatchObject({
        name: 'watched',
        state: 'live',
        checkpoint: results[4]?.position,
        lag: { events: 0, capped: false, ms: 0 },
        parked: 1,
        processed: 4,
      });
      expect(live.lease?.holder).toMatch(/./);
      await sub.stop();
      await appendMany(store, 'Task-2', 3);
      await appendMany(store, 'Task-2', 2, 'Renamed');
      const stopped = await sub.status();
      expect(stopped).toMatchObject({ state: 'stopped', lag: { events: 3, capped: false } });
      expect(stopped.lag.ms).toBeGreaterThanOrEqual(0);
      expect(stopped.lease).toBeUndefined();
      const statuses = await readSubscriptionStatuses(store, storage);
      expect(statuses.find((s) => s.name === 'watched')).toMatchObject({
        state: 'stopped',
        checkpoint: results[4]?.position,
        lag: { events: 5 }, // the operator view does not know the filter: an upper bound
        parked: 1,
      });
    });
  });
}
