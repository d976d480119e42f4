import assert from 'node:assert/strict';
import type { EventStore, StreamSummary } from '../../core/event-store.js';
import { type CaseContext, events, feed, rejectsWith } from './fixtures.js';

/** Every stream of the store, page by page of `limit`, checking that `next` is set exactly when more follow. */
async function allPages(
  store: EventStore,
  limit: number,
  category?: string,
): Promise<StreamSummary[][]> {
  const pages: StreamSummary[][] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.listStreams({ category, after, limit });
    pages.push(page.streams);
    assert.ok(page.streams.length <= limit, 'no page is longer than the limit');
    if (page.next === undefined) return pages;
    assert.equal(page.streams.length, limit, 'a page with a next page is full');
    assert.equal(page.next, page.streams.at(-1)?.streamId, 'next is the last id of the page');
    after = page.next;
  }
}

/** `listStreams`: streams by id with version and last write, by category, paginated. */
export function listStreamsCases({ describe, it, withStore }: CaseContext): void {
  describe('listStreams', () => {
    it('lists nothing on an empty store', () =>
      withStore(async (store) => {
        assert.deepEqual(await store.listStreams(), { streams: [], next: undefined });
        assert.deepEqual(await store.listStreams({ category: 'Task', limit: 1 }), {
          streams: [],
          next: undefined,
        });
      }));

    it('lists each stream once, by id, with its version and the time of its last event', () =>
      withStore(async (store) => {
        await store.append('Task-2', events(2));
        await store.append('User-1', events(1));
        await store.append('Task-10', events(1));
        await store.append('Task-2', events(1));
        await store.append('Tasks', events(4));
        await rejectsWith(store.append('Task-3', events(1), { expectedVersion: 2 }), 'CONCURRENCY');
        const { streams, next } = await store.listStreams();
        assert.equal(next, undefined);
        assert.deepEqual(
          streams.map((s) => [s.streamId, s.version]),
          [
            ['Task-10', 1],
            ['Task-2', 3],
            ['Tasks', 4],
            ['User-1', 1],
          ],
        );
        const last = new Map((await feed(store)).map((e) => [e.streamId, e.recordedAt]));
        for (const stream of streams) {
          assert.ok(stream.lastWrite instanceof Date);
          assert.equal(
            stream.lastWrite.getTime(),
            last.get(stream.streamId)?.getTime(),
            `lastWrite of ${stream.streamId} is when its last event was recorded`,
          );
        }
      }));

    it('filters by category', () =>
      withStore(async (store) => {
        for (const id of ['Task-1', 'Tasks', 'User-1', 'Task-x-y', 'Task']) {
          await store.append(id, events(1));
        }
        const ids = async (category: string) =>
          (await store.listStreams({ category })).streams.map((s) => s.streamId);
        assert.deepEqual(await ids('Task'), ['Task', 'Task-1', 'Task-x-y']);
        assert.deepEqual(await ids('Tasks'), ['Tasks']);
        assert.deepEqual(await ids('User'), ['User-1']);
        assert.deepEqual(await ids('Nothing'), []);
      }));

    it('pages with after and limit, without gaps or repeats, in code point order', () =>
      withStore(async (store) => {
        // 'é' (U+00E9) and '😀' (U+1F600, a surrogate pair in UTF-16) and 'ｚ' (U+FF5A):
        // code point order puts U+FF5A before U+1F600, UTF-16 order after.
        const ids = ['b', 'a-1', 'a-2', 'A', 'é', 'ｚ', '😀', 'a-10', 'z', '0'];
        for (const streamId of ids) await store.append(streamId, events(1));
        const expected = ['0', 'A', 'a-1', 'a-10', 'a-2', 'b', 'z', 'é', 'ｚ', '😀'];
        for (const limit of [1, 3, 10, 11]) {
          const pages = await allPages(store, limit);
          assert.deepEqual(
            pages.flat().map((s) => s.streamId),
            expected,
            `pages of ${limit}`,
          );
        }
        const categoryPages = await allPages(store, 2, 'a');
        assert.deepEqual(
          categoryPages.map((page) => page.map((s) => s.streamId)),
          [['a-1', 'a-10'], ['a-2']],
        );
        const afterMissing = await store.listStreams({ after: 'a-15', limit: 2 });
        assert.deepEqual(
          afterMissing.streams.map((s) => s.streamId),
          ['a-2', 'b'],
        );
        assert.equal(afterMissing.next, 'b');
      }));

    it('rejects bad options with an InvalidOptionError', () =>
      withStore(async (store) => {
        const bad: unknown[] = [
          { limit: 0 },
          { limit: 1.5 },
          { limit: 10_001 },
          { limit: '10' },
          { category: '' },
          { category: 3 },
          { after: 7 },
          'Task',
        ];
        for (const options of bad) {
          await rejectsWith(
            store.listStreams(options as never),
            'INVALID_OPTION',
            JSON.stringify(options),
          );
        }
      }));
  });
}
