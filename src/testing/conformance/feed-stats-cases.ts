import assert from 'node:assert/strict';
import type { InvalidOptionError } from '../../core/errors.js';
import type { EventStore, FeedFilter } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';
import { type CaseContext, events, feed, rejectsWith } from './fixtures.js';

/**
 * Six events: Task-1 TaskCreated ×2, User-1 UserRegistered, Task-2 TaskCreated,
 * Task-1 TaskCompleted, Tasks Summary. Returns their positions in order.
 */
async function populate(store: EventStore): Promise<Position[]> {
  const plan: [string, string, number][] = [
    ['Task-1', 'TaskCreated', 2],
    ['User-1', 'UserRegistered', 1],
    ['Task-2', 'TaskCreated', 1],
    ['Task-1', 'TaskCompleted', 1],
    ['Tasks', 'Summary', 1],
  ];
  for (const [stream, type, n] of plan) await store.append(stream, events(n, type));
  const positions = (await feed(store)).map((e) => e.position);
  assert.equal(positions.length, 6);
  return positions;
}

/** `headPosition`, `countEventsAfter` and `hasPendingEvents`. */
export function feedStatsCases({ describe, it, options, withStore }: CaseContext): void {
  describe('feed statistics', () => {
    it('headPosition is undefined on an empty store, then the last appended position', () =>
      withStore(async (store) => {
        assert.equal(await store.headPosition(), undefined);
        const first = await store.append('h-1', events(3));
        assert.equal(await store.headPosition(), first.position);
        const second = await store.append('h-2', events(1));
        assert.equal(await store.headPosition(), second.position);
        await rejectsWith(store.append('h-1', events(1), { expectedVersion: 0 }), 'CONCURRENCY');
        assert.equal(await store.headPosition(), second.position, 'unchanged by a rejected append');
        const last = (await feed(store)).at(-1);
        assert.equal(last?.position, second.position);
      }));

    it('countEventsAfter counts matching events after a position', () =>
      withStore(async (store) => {
        assert.equal(await store.countEventsAfter(undefined, {}, 100), 0, 'empty store');
        const p = await populate(store);
        const count = (after: Position | undefined, filter: FeedFilter, cap = 100) =>
          store.countEventsAfter(after, filter, cap);
        assert.equal(await count(undefined, {}), 6);
        assert.equal(await count(undefined, { types: ['TaskCreated'] }), 3);
        assert.equal(await count(undefined, { types: ['UserRegistered', 'Summary'] }), 2);
        assert.equal(await count(undefined, { categories: ['Task'] }), 4);
        assert.equal(await count(undefined, { categories: ['Tasks', 'User'] }), 2);
        assert.equal(await count(undefined, { types: ['TaskCreated'], categories: ['Task'] }), 3);
        assert.equal(await count(undefined, { types: ['TaskCreated'], categories: ['User'] }), 0);
        assert.equal(await count(undefined, { types: ['Nothing'] }), 0);
        assert.equal(await count(p[1], {}), 4);
        assert.equal(await count(p[1], { types: ['TaskCreated'] }), 1);
        assert.equal(await count(p[1], { categories: ['Task'] }), 2);
        assert.equal(await count(p[5], {}), 0, 'nothing after the last event');
        assert.equal(await count(p[4], { categories: ['Tasks'] }), 1);
      }));

    it('countEventsAfter stops counting at the cap', () =>
      withStore(async (store) => {
        const p = await populate(store);
        const caps: [number, number][] = [
          [0, 0],
          [1, 1],
          [4, 4],
          [6, 6],
          [7, 6],
          [1_000_000, 6],
        ];
        for (const [cap, expected] of caps) {
          assert.equal(await store.countEventsAfter(undefined, {}, cap), expected, `cap ${cap}`);
        }
        assert.equal(await store.countEventsAfter(undefined, { types: ['TaskCreated'] }, 2), 2);
        assert.equal(await store.countEventsAfter(p[0], { categories: ['Task'] }, 2), 2);
      }));

    it('countEventsAfter of an empty filter list is 0', () =>
      withStore(async (store) => {
        await populate(store);
        assert.equal(await store.countEventsAfter(undefined, { types: [] }, 100), 0);
        assert.equal(await store.countEventsAfter(undefined, { categories: [] }, 100), 0);
        assert.equal(
          await store.countEventsAfter(undefined, { types: ['TaskCreated'], categories: [] }, 100),
          0,
        );
      }));

    it('countEventsAfter rejects a bad cap, filter or position', () =>
      withStore(async (store) => {
        await populate(store);
        for (const cap of [-1, 1.5, Number.NaN, '3']) {
          const error = await rejectsWith<InvalidOptionError>(
            store.countEventsAfter(undefined, {}, cap as number),
            'INVALID_OPTION',
            `cap ${String(cap)}`,
          );
          assert.equal(error.option, 'cap');
        }
        await rejectsWith(
          store.countEventsAfter(undefined, { types: 'A' as never }, 5),
          'VALIDATION',
        );
        await rejectsWith(
          store.countEventsAfter(undefined, { categories: [1] as never }, 5),
          'VALIDATION',
        );
        await rejectsWith(store.countEventsAfter('garbage' as Position, {}, 5), 'VALIDATION');
      }));

    it('hasPendingEvents is false when every append has committed', () =>
      withStore(async (store) => {
        assert.equal(await store.hasPendingEvents(undefined, {}), false, 'empty store');
        const p = await populate(store);
        for (const after of [undefined, p[0], p[3], p[5]]) {
          assert.equal(await store.hasPendingEvents(after, {}), false, `after ${String(after)}`);
          assert.equal(await store.hasPendingEvents(after, { types: ['TaskCreated'] }), false);
          assert.equal(await store.hasPendingEvents(after, { categories: ['Task'] }), false);
          assert.equal(await store.hasPendingEvents(after, { types: [] }), false);
          assert.equal(await store.hasPendingEvents(after, { categories: [] }), false);
        }
        await rejectsWith(store.hasPendingEvents('garbage' as Position, {}), 'VALIDATION');
        await rejectsWith(store.hasPendingEvents(undefined, { types: 'A' as never }), 'VALIDATION');
      }));

    if (!options.capabilities.delayedVisibility) {
      it('hasPendingEvents is always false without delayedVisibility, even during appends', () =>
        withStore(async (store) => {
          const appends = Array.from({ length: 20 }, (_, i) =>
            store.append(`pend-${i % 4}`, events(5)),
          );
          const answers: boolean[] = [];
          let done = false;
          const writing = Promise.all(appends).finally(() => {
            done = true;
          });
          writing.catch(() => undefined); // awaited below; handled meanwhile
          while (!done) {
            answers.push(await store.hasPendingEvents(undefined, {}));
            answers.push(await store.hasPendingEvents(undefined, { categories: ['pend'] }));
            // The answers may come without I/O: let an asynchronous backend's appends go on.
            await new Promise((resolve) => setImmediate(resolve));
          }
          await writing;
          answers.push(await store.hasPendingEvents(undefined, {}));
          assert.deepEqual(answers, Array<boolean>(answers.length).fill(false));
          assert.equal(
            await store.countEventsAfter(undefined, { categories: ['pend'] }, 1000),
            100,
          );
        }));
    }
  });
}
