import assert from 'node:assert/strict';
import type { EventStore } from '../../core/event-store.js';
import type { CoreErrorCode } from '../../core/errors.js';
import { assertFeedLength, type CaseContext, events, rejectsWith, uuid } from './fixtures.js';

type Attempt = (store: EventStore) => Promise<unknown>;

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

function cyclic(): unknown {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = { parent: a };
  return a;
}

const ev = (data: unknown, extra: Record<string, unknown> = {}) =>
  [{ type: 'Bad', data, ...extra }] as never;

/** Bad input: a typed error before anything is written, and the store stays usable. */
export function badInputCases({ describe, it, withStore }: CaseContext): void {
  const rejects = (name: string, code: CoreErrorCode, attempt: Attempt) =>
    it(`${name} → ${code}, nothing written`, () =>
      withStore(
        async (store) => {
          await store.append('good-1', events(1));
          await rejectsWith(attempt(store), code, name);
          await assertFeedLength(store, 1, name);
          assert.equal(await store.getVersion('good-1'), 1);
          assert.equal(
            (await store.append('good-1', events(1), { expectedVersion: 1 })).version,
            2,
            'still usable',
          );
        },
        { maxEventBytes: 64 * 1024 },
      ));

  describe('bad input', () => {
    describe('stream ids', () => {
      rejects('an empty stream id', 'VALIDATION', (s) => s.append('', events(1)));
      rejects('a 256-character stream id', 'VALIDATION', (s) =>
        s.append('x'.repeat(256), events(1)),
      );
      rejects('a numeric stream id', 'VALIDATION', (s) => s.append(42 as never, events(1)));
      rejects('a null stream id', 'VALIDATION', (s) => s.append(null as never, events(1)));
      rejects('an undefined stream id', 'VALIDATION', (s) =>
        s.append(undefined as never, events(1)),
      );
      rejects('an object stream id', 'VALIDATION', (s) => s.append({ id: 1 } as never, events(1)));
      rejects('a stream id with NUL', 'VALIDATION', (s) => s.append('a\u0000b', events(1)));
      rejects('a stream id with a lone surrogate', 'VALIDATION', (s) =>
        s.append('a\ud800b', events(1)),
      );
      rejects('reading an empty stream id', 'VALIDATION', (s) => s.read(''));
      rejects('getVersion of a non-string', 'VALIDATION', (s) => s.getVersion(7 as never));
      rejects('exists of an over-long id', 'VALIDATION', (s) => s.exists('y'.repeat(300)));
      it('accepts a 255-character stream id', () =>
        withStore(async (store) => {
          const id = 'z'.repeat(255);
          await store.append(id, events(1));
          assert.equal(await store.getVersion(id), 1);
        }));
    });

    describe('events', () => {
      rejects('events that are not an array', 'VALIDATION', (s) =>
        s.append('b-1', { type: 'A', data: {} } as never),
      );
      rejects('an empty events array', 'VALIDATION', (s) => s.append('b-1', []));
      rejects('a null event', 'VALIDATION', (s) => s.append('b-1', [null] as never));
      rejects('an event without a type', 'VALIDATION', (s) =>
        s.append('b-1', [{ data: {} }] as never),
      );
      rejects('an empty event type', 'VALIDATION', (s) =>
        s.append('b-1', [{ type: '', data: {} }]),
      );
      rejects('a numeric event type', 'VALIDATION', (s) =>
        s.append('b-1', [{ type: 5, data: {} }] as never),
      );
      rejects('an event type with NUL', 'VALIDATION', (s) =>
        s.append('b-1', [{ type: 'A\u0000', data: {} }]),
      );
      rejects('an event type with a lone surrogate', 'VALIDATION', (s) =>
        s.append('b-1', [{ type: '\udc00A', data: {} }]),
      );
      rejects('an over-long event type', 'VALIDATION', (s) =>
        s.append('b-1', [{ type: 't'.repeat(256), data: {} }]),
      );
      rejects('an event id that is not a UUID', 'VALIDATION', (s) =>
        s.append('b-1', ev({}, { id: 'not-a-uuid' })),
      );
      rejects('a numeric event id', 'VALIDATION', (s) => s.append('b-1', ev({}, { id: 12 })));
      rejects('undefined data', 'VALIDATION', (s) => s.append('b-1', ev(undefined)));
      rejects('array metadata', 'VALIDATION', (s) => s.append('b-1', ev({}, { metadata: ['x'] })));
      rejects('string metadata', 'VALIDATION', (s) => s.append('b-1', ev({}, { metadata: 'x' })));
      rejects('a good event followed by a bad one', 'SERIALIZATION', (s) =>
        s.append('good-1', [{ type: 'Ok', data: {}, id: uuid() }, ...(ev({ n: 1n }) as [])]),
      );
    });

    describe('unserialisable data', () => {
      rejects('a BigInt', 'SERIALIZATION', (s) => s.append('b-1', ev({ amount: 10n })));
      rejects('a nested BigInt', 'SERIALIZATION', (s) => s.append('b-1', ev({ a: [{ b: 1n }] })));
      rejects('a cycle', 'SERIALIZATION', (s) => s.append('b-1', ev(cyclic())));
      rejects('a function', 'SERIALIZATION', (s) => s.append('b-1', ev({ f: () => 1 })));
      rejects('a symbol', 'SERIALIZATION', (s) => s.append('b-1', ev({ s: Symbol('x') })));
      rejects('NaN', 'SERIALIZATION', (s) => s.append('b-1', ev({ n: Number.NaN })));
      rejects('Infinity', 'SERIALIZATION', (s) =>
        s.append('b-1', ev({ n: Number.POSITIVE_INFINITY })),
      );
      rejects('a Map', 'SERIALIZATION', (s) => s.append('b-1', ev({ m: new Map([[1, 2]]) })));
      rejects('a Set', 'SERIALIZATION', (s) => s.append('b-1', ev({ s: new Set([1]) })));
      rejects('a class instance', 'SERIALIZATION', (s) =>
        s.append('b-1', ev({ p: new Point(1, 2) })),
      );
      rejects('undefined inside an array', 'SERIALIZATION', (s) =>
        s.append('b-1', ev({ a: [1, undefined] })),
      );
      rejects('a function as the whole data', 'SERIALIZATION', (s) =>
        s.append(
          'b-1',
          ev(() => 1),
        ),
      );
      rejects('a BigInt in metadata', 'SERIALIZATION', (s) =>
        s.append('b-1', ev({}, { metadata: { n: 1n } })),
      );
      it('names the path of the problem', () =>
        withStore(async (store) => {
          const error = await rejectsWith(
            store.append('b-1', ev({ items: [{ price: 1n }] })),
            'SERIALIZATION',
          );
          assert.match(error.message, /events\[0\]\.data\.items\[0\]\.price/);
        }));
    });

    describe('expected versions', () => {
      for (const bad of [
        -1,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        'foo',
        'ANY',
        null,
        {},
        1n,
        '3',
      ]) {
        rejects(
          `expectedVersion ${typeof bad === 'bigint' ? '1n' : typeof bad === 'number' ? String(bad) : JSON.stringify(bad)}`,
          'VALIDATION',
          (s) => s.append('good-1', events(1), { expectedVersion: bad as never }),
        );
      }
    });

    describe('sizes', () => {
      rejects('data over the size limit', 'VALIDATION', (s) =>
        s.append('b-1', ev({ text: 'x'.repeat(70 * 1024) })),
      );
      rejects('metadata over the size limit', 'VALIDATION', (s) =>
        s.append('b-1', ev({}, { metadata: { text: 'x'.repeat(70 * 1024) } })),
      );
      rejects('one oversized event in a batch', 'VALIDATION', (s) =>
        s.append('b-1', [...events(3), { type: 'Big', data: { text: 'é'.repeat(40 * 1024) } }]),
      );
    });

    describe('read options', () => {
      rejects('read from -1', 'VALIDATION', (s) => s.read('good-1', { from: -1 }));
      rejects('read with limit 0', 'VALIDATION', (s) => s.read('good-1', { limit: 0 }));
      rejects('read with a fractional limit', 'VALIDATION', (s) =>
        s.read('good-1', { limit: 1.5 }),
      );
      rejects('read sideways', 'VALIDATION', (s) =>
        s.read('good-1', { direction: 'sideways' as never }),
      );
      rejects('readAll with limit 0', 'VALIDATION', (s) => s.readAll({ limit: 0 }).toArray());
      rejects('readAll with types not an array', 'VALIDATION', (s) =>
        s.readAll({ types: 'A' as never }).toArray(),
      );
      rejects('readAll with a non-string category', 'VALIDATION', (s) =>
        s.readAll({ categories: [1] as never }).toArray(),
      );
      rejects('readAll with batchSize 0', 'VALIDATION', (s) =>
        s.readAll({ batchSize: 0 }).toArray(),
      );
      rejects('readAll with a signal that is not an AbortSignal', 'VALIDATION', (s) =>
        s.readAll({ signal: { aborted: true } as never }).toArray(),
      );
    });
  });
}
