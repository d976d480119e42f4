import assert from 'node:assert/strict';
import type { ReadOptions } from '../../core/event-store.js';
import { type CaseContext, events, ns } from './fixtures.js';

/** Stream reads: direction, start version, limit, paging. */
export function readCases({ describe, it, withStore }: CaseContext): void {
  describe('stream reads', () => {
    const range = (a: number, b: number) =>
      Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
    const withTen = (body: (read: (o: ReadOptions) => Promise<number[]>) => Promise<void>) =>
      withStore(async (store) => {
        await store.append('r-1', events(10));
        await store.append('r-2', events(3));
        await body(async (options) => {
          const result = await store.read('r-1', options);
          assert.equal(result.version, 10, 'the stream version, whatever was read');
          return ns(result.events).map((n) => n + 1); // versions
        });
      });

    it('reads forward from the start by default', () =>
      withTen(async (read) => assert.deepEqual(await read({}), range(1, 10))));
    it('reads forward from a version (inclusive)', () =>
      withTen(async (read) => assert.deepEqual(await read({ from: 4 }), range(4, 10))));
    it('treats from 0 as from the start', () =>
      withTen(async (read) => assert.deepEqual(await read({ from: 0 }), range(1, 10))));
    it('reads forward with a limit', () =>
      withTen(async (read) => {
        assert.deepEqual(await read({ limit: 3 }), [1, 2, 3]);
        assert.deepEqual(await read({ from: 9, limit: 5 }), [9, 10]);
      }));
    it('reads nothing past the end', () =>
      withTen(async (read) => assert.deepEqual(await read({ from: 11 }), [])));
    it('reads backward from the end', () =>
      withTen(async (read) =>
        assert.deepEqual(await read({ direction: 'backward' }), range(1, 10).reverse()),
      ));
    it('reads backward from a version with a limit', () =>
      withTen(async (read) => {
        assert.deepEqual(await read({ direction: 'backward', from: 5, limit: 2 }), [5, 4]);
        assert.deepEqual(await read({ direction: 'backward', limit: 1 }), [10]);
        assert.deepEqual(await read({ direction: 'backward', from: 2, limit: 10 }), [2, 1]);
        assert.deepEqual(await read({ direction: 'backward', from: 50, limit: 2 }), [10, 9]);
        assert.deepEqual(await read({ direction: 'backward', from: 0 }), []);
      }));
    it('pages through a stream with from and limit', () =>
      withTen(async (read) => {
        const seen: number[] = [];
        for (let from = 1; ; from += 3) {
          const page = await read({ from, limit: 3 });
          seen.push(...page);
          if (page.length < 3) break;
        }
        assert.deepEqual(seen, range(1, 10));
      }));
    it('reads the events of one stream only, in version order', () =>
      withStore(async (store) => {
        for (let i = 0; i < 5; i++) {
          await store.append('x-1', events(1, 'X', i));
          await store.append('y-1', events(1, 'Y', i));
        }
        const x = await store.read('x-1');
        assert.deepEqual(
          x.events.map((e) => [e.streamId, e.version, e.type]),
          range(1, 5).map((v) => ['x-1', v, 'X']),
        );
      }));
  });
}
