import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../core/events.js';
import type { EventFeed } from '../../core/feed.js';
import { type CaseContext, events, feed, ns, rejection } from './fixtures.js';

/** The next event of `iterator`; fails the test at the end of the feed. */
async function nextEvent(iterator: AsyncIterator<RecordedEvent>): Promise<RecordedEvent> {
  const result = await iterator.next();
  if (result.done === true) return assert.fail('the feed ended early');
  return result.value;
}

/** Starts iterating `feed` by hand. */
function iterate(feed: EventFeed<RecordedEvent>): AsyncIterator<RecordedEvent> {
  return feed[Symbol.asyncIterator]();
}

/** Cancelling a feed iteration with `readAll({ signal })`. */
export function abortCases({ describe, it, withStore }: CaseContext): void {
  describe('cancelling readAll', () => {
    it('rejects the next next() with the reason once the signal aborts mid-iteration', () =>
      withStore(async (store) => {
        await store.append('a-1', events(10));
        const controller = new AbortController();
        const iterator = iterate(store.readAll({ signal: controller.signal, batchSize: 3 }));
        const seen: RecordedEvent[] = [];
        for (let i = 0; i < 4; i++) seen.push(await nextEvent(iterator));
        assert.deepEqual(ns(seen), [0, 1, 2, 3]);
        const reason = new Error('stop reading');
        controller.abort(reason);
        assert.equal(await rejection(iterator.next(), 'after abort'), reason);
        assert.equal(await rejection(iterator.next(), 'again'), reason, 'stays aborted');
        const rest = await store.readAll({ after: seen.at(-1)?.position }).toArray();
        assert.deepEqual(ns(rest), [4, 5, 6, 7, 8, 9], 'resumes from the last event handled');
      }));

    it('rejects with an AbortError when the signal aborts without a reason', () =>
      withStore(async (store) => {
        await store.append('a-2', events(5));
        const controller = new AbortController();
        const iterator = iterate(store.readAll({ signal: controller.signal, batchSize: 2 }));
        assert.deepEqual(ns([await nextEvent(iterator)]), [0]);
        controller.abort();
        const caught = await rejection(iterator.next());
        assert.equal(caught, controller.signal.reason);
        assert.equal((caught as DOMException).name, 'AbortError');
      }));

    it('rejects the first next() of an already-aborted signal, before reading a page', () =>
      withStore(async (store) => {
        await store.append('a-3', events(3));
        const reason = new Error('never started');
        const signal = AbortSignal.abort(reason);
        const iterator = iterate(store.readAll({ signal }));
        assert.equal(await rejection(iterator.next()), reason);
        assert.equal(await rejection(store.readAll({ signal }).toArray()), reason);
        let bodies = 0;
        const loop = (async () => {
          for await (const _ of store.readAll({ signal })) bodies++;
        })();
        assert.equal(await rejection(loop), reason);
        assert.equal(bodies, 0);
        await store.close();
        // A page read would now fail with STORE_CLOSED: the abort is checked first.
        assert.equal(await rejection(store.readAll({ signal }).toArray()), reason);
      }));

    it('rejects a next() whose page read is in flight when the signal aborts', () =>
      withStore(async (store) => {
        await store.append('a-4', events(4));
        const controller = new AbortController();
        const iterator = iterate(store.readAll({ signal: controller.signal, batchSize: 2 }));
        const reason = new Error('aborted during a read');
        const pending = iterator.next();
        controller.abort(reason);
        assert.equal(await rejection(pending), reason);
        assert.deepEqual(ns(await feed(store)), [0, 1, 2, 3], 'the store is unaffected');
      }));

    it('reads the whole feed when the signal never aborts', () =>
      withStore(async (store) => {
        for (let i = 0; i < 5; i++) await store.append(`a-${i % 2}`, events(3, 'T', i * 3));
        const controller = new AbortController();
        const read = await store.readAll({ signal: controller.signal, batchSize: 4 }).toArray();
        assert.deepEqual(
          ns(read),
          Array.from({ length: 15 }, (_, i) => i),
        );
        assert.deepEqual(
          read.map((e) => e.position),
          (await feed(store)).map((e) => e.position),
        );
      }));
  });
}
