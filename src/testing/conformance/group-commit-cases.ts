import assert from 'node:assert/strict';
import { ConcurrencyError } from '../../core/errors.js';
import { type CaseContext, events, feed } from './fixtures.js';

/**
 * Appends started together (which a store may commit in one transaction):
 * each is still checked on its own and gets its own result or error.
 */
export function groupCommitCases({ describe, it, withStore }: CaseContext): void {
  describe('appends started together', () => {
    it('50 concurrent appends to distinct streams all land, each with its own result', () =>
      withStore(async (store) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.append(`together-${i}`, events(1 + (i % 3), 'T', i * 10), {
              expectedVersion: 'no_stream',
            }),
          ),
        );
        const all = await feed(store);
        assert.equal(
          all.length,
          results.reduce((n, _, i) => n + 1 + (i % 3), 0),
        );
        results.forEach((result, i) => {
          assert.equal(result.streamId, `together-${i}`);
          assert.equal(result.version, 1 + (i % 3));
          const last = all.filter((e) => e.streamId === `together-${i}`).at(-1);
          assert.equal(result.position, last?.position, `together-${i}`);
        });
        assert.equal(new Set(results.map((r) => r.position)).size, 50);
      }));

    it('concurrent appends to one stream with exact versions: one per version wins, the stream stays dense', () =>
      withStore(async (store) => {
        const attempts = Array.from({ length: 30 }, (_, i) => ({ version: i % 6, writer: i }));
        const results = await Promise.allSettled(
          attempts.map(({ version, writer }) =>
            store.append('together-one', [{ type: `W${writer}`, data: { version } }], {
              expectedVersion: version,
            }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const stream = await store.read('together-one');
        assert.equal(stream.version, won.length);
        assert.deepEqual(
          stream.events.map((e) => e.version),
          Array.from({ length: stream.version }, (_, i) => i + 1),
        );
        stream.events.forEach((e) => {
          assert.equal(
            (e.data as { version: number }).version,
            e.version - 1,
            'written at its version',
          );
        });
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(ConcurrencyError.is(r.reason), String(r.reason));
            assert.equal(r.reason.streamId, 'together-one');
          }
        }
        assert.equal(won.length >= 1, true);
        const perVersion = new Map<number, number>();
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') {
            const v = (attempts[i] as { version: number }).version;
            perVersion.set(v, (perVersion.get(v) ?? 0) + 1);
          }
        });
        assert.ok(
          [...perVersion.values()].every((n) => n === 1),
          'at most one winner per version',
        );
      }));

    it('a conflicting append among many fails only itself', () =>
      withStore(async (store) => {
        await store.append('together-taken', events(2));
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            i === 7
              ? store.append('together-taken', events(1), { expectedVersion: 0 })
              : store.append(`together-free-${i}`, events(1), { expectedVersion: 'no_stream' }),
          ),
        );
        results.forEach((r, i) => {
          if (i === 7) {
            assert.equal(r.status, 'rejected');
            const reason: unknown = r.status === 'rejected' ? r.reason : undefined;
            assert.ok(ConcurrencyError.is(reason));
            assert.equal(reason.actualVersion, 2);
          } else assert.equal(r.status, 'fulfilled', `append ${i}`);
        });
        assert.equal(await store.getVersion('together-taken'), 2);
        assert.equal((await feed(store)).length, 21);
      }));

    it('bad input among concurrent appends fails only that append', () =>
      withStore(async (store) => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.append(`together-input-${i}`, i === 3 ? ([{ type: '' }] as never) : events(1)),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          results.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')),
        );
        assert.equal((await feed(store)).length, 9);
      }));
  });
}
