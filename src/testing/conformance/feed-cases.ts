import assert from 'node:assert/strict';
import { comparePositions } from '../../core/position.js';
import type { EventStore } from '../../core/event-store.js';
import type { RecordedEvent } from '../../core/events.js';
import { type CaseContext, events, feed, rejectsWith } from './fixtures.js';

/** Appends an interleaving of streams in several categories; returns the appended (streamId, type) pairs in order. */
async function populate(store: EventStore): Promise<[string, string][]> {
  const order: [string, string][] = [];
  const plan: [string, string, number][] = [
    ['Task-1', 'TaskCreated', 2],
    ['User-1', 'UserRegistered', 1],
    ['Task-2', 'TaskCreated', 1],
    ['Task-1', 'TaskCompleted', 1],
    ['Tasks', 'Summary', 1],
    ['Task-a-b', 'TaskCreated', 1],
    ['User-2', 'UserRegistered', 2],
    ['Ta-1', 'TaskCreated', 1],
  ];
  for (const [stream, type, n] of plan) {
    await store.append(stream, events(n, type));
    for (let i = 0; i < n; i++) order.push([stream, type]);
  }
  return order;
}

const pairs = (list: readonly RecordedEvent[]) =>
  list.map((e): [string, string] => [e.streamId, e.type]);

/** The global feed: order, positions, filters, paging. */
export function feedCases({ describe, it, withStore }: CaseContext): void {
  describe('global feed', () => {
    it('returns every event once, in append order, with increasing positions', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const all = await feed(store);
        assert.deepEqual(pairs(all), order);
        for (let i = 1; i < all.length; i++) {
          const a = (all[i - 1] as RecordedEvent).position;
          const b = (all[i] as RecordedEvent).position;
          assert.ok(comparePositions(a, b) < 0 && a < b);
        }
        assert.equal(new Set(all.map((e) => e.id)).size, all.length);
      }));

    it('is empty for an empty store', () =>
      withStore(async (store) => {
        assert.deepEqual(await feed(store), []);
        const page = await store.readAllPage();
        assert.deepEqual(page.events, []);
        assert.equal(page.isEnd, true);
        assert.equal(page.next, undefined);
      }));

    it('reads after a position (exclusive) and up to a limit', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const all = await feed(store);
        const third = all[2] as RecordedEvent;
        assert.deepEqual(
          pairs(await store.readAll({ after: third.position }).toArray()),
          order.slice(3),
        );
        assert.deepEqual(
          pairs(await store.readAll({ after: third.position, limit: 2 }).toArray()),
          order.slice(3, 5),
        );
        assert.deepEqual(
          await store.readAll({ after: (all.at(-1) as RecordedEvent).position }).toArray(),
          [],
        );
      }));

    it('filters by event type', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const created = await store.readAll({ types: ['TaskCreated'] }).toArray();
        assert.deepEqual(
          pairs(created),
          order.filter(([, t]) => t === 'TaskCreated'),
        );
        const two = await store.readAll({ types: ['UserRegistered', 'TaskCompleted'] }).toArray();
        assert.deepEqual(
          pairs(two),
          order.filter(([, t]) => t === 'UserRegistered' || t === 'TaskCompleted'),
        );
        assert.deepEqual(await store.readAll({ types: ['Nothing'] }).toArray(), []);
        assert.deepEqual(await store.readAll({ types: [] }).toArray(), []);
      }));

    it('filters by category: the part of the stream id before the first dash', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const tasks = await store.readAll({ categories: ['Task'] }).toArray();
        assert.deepEqual(
          pairs(tasks),
          order.filter(([s]) => s === 'Task-1' || s === 'Task-2' || s === 'Task-a-b'),
        );
        const noDash = await store.readAll({ categories: ['Tasks'] }).toArray();
        assert.deepEqual(pairs(noDash), [['Tasks', 'Summary']]);
        const two = await store.readAll({ categories: ['Ta', 'User'] }).toArray();
        assert.deepEqual(
          pairs(two),
          order.filter(([s]) => s.startsWith('User-') || s === 'Ta-1'),
        );
        assert.deepEqual(await store.readAll({ categories: [] }).toArray(), []);
      }));

    it('combines type and category filters with AND', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const both = await store
          .readAll({ types: ['TaskCreated'], categories: ['Task'] })
          .toArray();
        assert.deepEqual(
          pairs(both),
          order.filter(([s, t]) => t === 'TaskCreated' && s.startsWith('Task-')),
        );
      }));

    it('pages with readAllPage: next continues, isEnd marks the end', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const seen: RecordedEvent[] = [];
        let after = undefined as RecordedEvent['position'] | undefined;
        let pagesRead = 0;
        for (;;) {
          const page = await store.readAllPage({ after, limit: 3 });
          pagesRead++;
          seen.push(...page.events);
          if (page.events.length > 0) assert.equal(page.next, page.events.at(-1)?.position);
          if (page.isEnd) {
            assert.equal(page.events.length, order.length % 3, 'the last page holds the rest');
            break;
          }
          assert.equal(page.events.length, 3);
          after = page.next;
        }
        assert.equal(pagesRead, Math.floor(order.length / 3) + 1);
        assert.deepEqual(pairs(seen), order);
        const empty = await store.readAllPage({ after: seen.at(-1)?.position });
        assert.deepEqual(empty.events, []);
        assert.equal(empty.next, seen.at(-1)?.position);
        assert.equal(empty.isEnd, true);
      }));

    it('pages filtered reads too', () =>
      withStore(async (store) => {
        const order = await populate(store);
        const small = await store.readAll({ categories: ['Task', 'User'], batchSize: 2 }).toArray();
        assert.deepEqual(
          pairs(small),
          order.filter(([s]) => s.startsWith('Task-') || s.startsWith('User-')),
        );
        const first = await store.readAllPage({ types: ['TaskCreated'], limit: 2 });
        const rest = await store.readAllPage({
          types: ['TaskCreated'],
          after: first.next,
          limit: 10,
        });
        assert.deepEqual(
          [...pairs(first.events), ...pairs(rest.events)],
          order.filter(([, t]) => t === 'TaskCreated'),
        );
        assert.equal(first.isEnd, false);
        assert.equal(rest.isEnd, true);
      }));

    it('iterates a long feed across many pages', () =>
      withStore(async (store) => {
        for (let i = 0; i < 12; i++)
          await store.append(`long-${i % 4}`, events(100, 'Tick', i * 100));
        let count = 0;
        let last: string | undefined;
        for await (const event of store.readAll({ batchSize: 64 })) {
          assert.ok(last === undefined || last < event.position);
          last = event.position;
          count++;
        }
        assert.equal(count, 1200);
        assert.equal((await store.readAll({ limit: 150, batchSize: 64 }).toArray()).length, 150);
      }));

    it('shows nothing of a rejected append', () =>
      withStore(async (store) => {
        await store.append('f-1', events(1));
        await rejectsWith(store.append('f-1', events(3), { expectedVersion: 0 }), 'CONCURRENCY');
        await store.append('f-2', events(1));
        assert.deepEqual(pairs(await feed(store)), [
          ['f-1', 'Happened'],
          ['f-2', 'Happened'],
        ]);
      }));

    it('rejects a position that is not one of this store', () =>
      withStore(async (store) => {
        await store.append('p-1', events(1));
        await rejectsWith(store.readAllPage({ after: 'garbage' as never }), 'VALIDATION');
        await rejectsWith(store.readAll({ after: 42 as never }).toArray(), 'VALIDATION');
      }));
  });
}
