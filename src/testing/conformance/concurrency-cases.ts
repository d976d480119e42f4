import assert from 'node:assert/strict';
import { ConcurrencyError } from '../../core/errors.js';
import { type CaseContext, events, feed } from './fixtures.js';

const WRITERS = 16;

/** Many concurrent appends: exactly one winner per version, real actual versions for the rest. */
export function concurrencyCases({ describe, it, withStore }: CaseContext): void {
  describe('concurrent appends', () => {
    it(`${WRITERS} writers with NoStream on one stream: exactly one wins`, () =>
      withStore(async (store) => {
        const results = await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, w) =>
            store.append('race-1', events(2, `W${w}`), { expectedVersion: 'no_stream' }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) {
          if (r.status === 'rejected') {
            assert.ok(ConcurrencyError.is(r.reason), String(r.reason));
            assert.equal(r.reason.code, 'CONCURRENCY');
            assert.equal(r.reason.streamId, 'race-1');
            assert.equal(r.reason.expectedVersion, 'no_stream');
            assert.equal(r.reason.actualVersion, 2);
          }
        }
        const stream = await store.read('race-1');
        assert.equal(stream.version, 2);
        assert.equal(
          new Set(stream.events.map((e) => e.type)).size,
          1,
          'both events from the one winner',
        );
      }));

    it(`${WRITERS} writers racing round by round with exact versions: one winner per version`, () =>
      withStore(async (store) => {
        const rounds = 8;
        for (let v = 0; v < rounds; v++) {
          const results = await Promise.allSettled(
            Array.from({ length: WRITERS }, (_, w) =>
              store.append('race-2', events(1, `W${w}`, v), { expectedVersion: v }),
            ),
          );
          assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `round ${v}`);
          for (const r of results) {
            if (r.status === 'rejected') {
              assert.ok(ConcurrencyError.is(r.reason), String(r.reason));
              assert.equal(r.reason.code, 'CONCURRENCY');
              assert.equal(r.reason.expectedVersion, v);
              assert.equal(r.reason.actualVersion, v + 1);
            }
          }
        }
        const stream = await store.read('race-2');
        assert.deepEqual(
          stream.events.map((e) => e.version),
          Array.from({ length: rounds }, (_, i) => i + 1),
        );
      }));

    it('writers retrying on conflict all land, with dense versions', () =>
      withStore(async (store) => {
        const writers = 8;
        const perWriter = 5;
        await Promise.all(
          Array.from({ length: writers }, async (_, w) => {
            for (let i = 0; i < perWriter; i++) {
              for (;;) {
                const version = await store.getVersion('race-3');
                try {
                  await store.append('race-3', [{ type: 'Step', data: { w, i } }], {
                    expectedVersion: version,
                  });
                  break;
                } catch (error) {
                  if (!ConcurrencyError.is(error)) throw error;
                }
              }
            }
          }),
        );
        const stream = await store.read('race-3');
        assert.equal(stream.version, writers * perWriter);
        assert.deepEqual(
          stream.events.map((e) => e.version),
          Array.from({ length: writers * perWriter }, (_, i) => i + 1),
        );
        assert.equal(
          new Set(stream.events.map((e) => JSON.stringify(e.data))).size,
          writers * perWriter,
        );
      }));

    it('concurrent Any appends to one stream all land with dense versions', () =>
      withStore(async (store) => {
        const results = await Promise.all(
          Array.from({ length: WRITERS }, () => store.append('race-4', events(3))),
        );
        assert.deepEqual(
          results.map((r) => r.version).sort((a, b) => a - b),
          Array.from({ length: WRITERS }, (_, i) => (i + 1) * 3),
        );
        const stream = await store.read('race-4');
        assert.deepEqual(
          stream.events.map((e) => e.version),
          Array.from({ length: WRITERS * 3 }, (_, i) => i + 1),
        );
      }));

    it('concurrent appends to many streams all reach the feed once, each stream in order', () =>
      withStore(async (store) => {
        const streams = 20;
        await Promise.all(
          Array.from({ length: streams }, async (_, s) => {
            for (let i = 0; i < 5; i++)
              await store.append(`many-${s}`, events(2, 'M', i * 2), { expectedVersion: i * 2 });
          }),
        );
        const all = await feed(store);
        assert.equal(all.length, streams * 10);
        const lastVersion = new Map<string, number>();
        for (const e of all) {
          assert.equal(
            e.version,
            (lastVersion.get(e.streamId) ?? 0) + 1,
            `${e.streamId} in version order`,
          );
          lastVersion.set(e.streamId, e.version);
        }
      }));
  });
}
