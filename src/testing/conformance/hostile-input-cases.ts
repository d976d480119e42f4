import assert from 'node:assert/strict';
import type { EventStore } from '../../core/event-store.js';
import type { CoreErrorCode } from '../../core/errors.js';
import type { Position } from '../../core/position.js';
import { assertFeedLength, type CaseContext, events, rejectsWith } from './fixtures.js';

type Attempt = (store: EventStore) => Promise<unknown>;

const ev = (data: unknown, extra: Record<string, unknown> = {}) =>
  [{ type: 'Hostile', data, ...extra }] as never;

/** `depth` arrays, one inside the other, around a number. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** An object whose property `name` throws when read. */
function throwingGetter(name: string): object {
  return Object.defineProperty({}, name, {
    enumerable: true,
    get() {
      throw new TypeError('getter refused');
    },
  });
}

/** A Proxy whose `ownKeys` and `get` traps throw. */
function throwingProxy(target: object = {}): object {
  const trap = (): never => {
    throw new RangeError('trap refused');
  };
  return new Proxy(target, { ownKeys: trap, get: trap, getPrototypeOf: trap });
}

/** A position of the store's shape (as many parts as its head) with every part `part`. */
async function positionOf(store: EventStore, part: bigint): Promise<Position> {
  const head = await store.headPosition();
  assert.ok(head !== undefined, 'the store has events');
  const parts = head.split(':').length;
  return Array.from({ length: parts }, () => part.toString().padStart(20, '0')).join(
    ':',
  ) as Position;
}

/**
 * Hostile input: values built to break a serializer (holes, deep nesting,
 * throwing getters and Proxy traps, `-0`, symbol keys), a bare expected
 * version or a string in place of an options object, and well-formed
 * positions out of range. Each gets a typed error naming what is wrong,
 * before anything is written, and the store stays usable.
 */
export function hostileInputCases({ describe, it, withStore }: CaseContext): void {
  const rejects = (name: string, code: CoreErrorCode, attempt: Attempt, match?: RegExp) =>
    it(`${name} → ${code}, nothing written`, () =>
      withStore(async (store) => {
        await store.append('good-1', events(1));
        const error = await rejectsWith(attempt(store), code, name);
        if (match !== undefined) assert.match(error.message, match, name);
        await assertFeedLength(store, 1, name);
        assert.equal(await store.getVersion('good-1'), 1);
        const next = await store.append('good-1', events(1), { expectedVersion: 1 });
        assert.equal(next.version, 2, 'still usable');
      }));

  describe('hostile input', () => {
    describe('values a serializer chokes on', () => {
      rejects(
        'a sparse array in data',
        'SERIALIZATION',
        // eslint-disable-next-line no-sparse-arrays
        (s) => s.append('h-1', ev({ items: [1, , 3] })),
        /hole in a sparse array .* at events\[0\]\.data\.items\[1\]$/,
      );
      rejects(
        'a sparse array in metadata',
        'SERIALIZATION',
        // eslint-disable-next-line no-sparse-arrays
        (s) => s.append('h-1', ev({}, { metadata: { trail: [, 'b'] } })),
        /at events\[0\]\.metadata\.trail\[0\]$/,
      );
      rejects(
        'data nested 5,000 levels deep',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ tree: nested(5000) })),
        /Nested deeper than 1000 levels/,
      );
      rejects(
        'data nested 1,001 levels deep',
        'SERIALIZATION',
        (s) => s.append('h-1', ev(nested(1001))),
        /Nested deeper than 1000 levels/,
      );
      rejects(
        'a getter that throws in data',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ order: throwingGetter('total') })),
        /Reading the value threw \(getter refused\) at events\[0\]\.data\.order\.total$/,
      );
      rejects(
        'a Proxy whose traps throw in data',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ p: throwingProxy() })),
        /Reading the value threw \(trap refused\) at events\[0\]\.data\.p$/,
      );
      rejects(
        'a Proxy whose traps throw as metadata',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({}, { metadata: throwingProxy() })),
        /at events\[0\]\.metadata$/,
      );
      rejects(
        'an event whose type getter throws',
        'VALIDATION',
        (s) => s.append('h-1', [throwingGetter('type')] as never),
        /Invalid events\[0\]: reading it threw \(getter refused\)/,
      );
      rejects(
        'events that are a Proxy whose traps throw',
        'VALIDATION',
        (s) => s.append('h-1', throwingProxy([]) as never),
        /Invalid events: reading it threw \(trap refused\)/,
      );
      rejects(
        '-0 in data',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ delta: -0 })),
        /-0 is not JSON-serialisable .* at events\[0\]\.data\.delta$/,
      );
      rejects(
        '-0 in an array of metadata',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({}, { metadata: { v: [0, -0] } })),
        /at events\[0\]\.metadata\.v\[1\]$/,
      );
      rejects(
        'a symbol-keyed property in data',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ a: 1, [Symbol('tag')]: 'x' })),
        /keyed by a symbol .* at events\[0\]\.data\[Symbol\(tag\)\]$/,
      );
      rejects(
        'an invalid Date in data',
        'SERIALIZATION',
        (s) => s.append('h-1', ev({ at: new Date(Number.NaN) })),
        /An invalid Date at events\[0\]\.data\.at$/,
      );
      it('stores 1,000 levels of nesting, 0 and non-enumerable symbols as JSON reads them back', () =>
        withStore(async (store) => {
          const data = { tree: nested(999), zero: 0 };
          Object.defineProperty(data, Symbol('hidden'), { value: 1, enumerable: false });
          await store.append('h-2', ev(data));
          const [event] = (await store.read('h-2')).events;
          assert.deepEqual(event?.data, { tree: nested(999), zero: 0 });
          assert.equal(Object.is((event?.data as { zero: number }).zero, 0), true);
        }));
    });

    describe('options that are not an options object', () => {
      for (const bare of [0, 1, 'no_stream', 'any', 'stream_exists'] as const) {
        rejects(
          `a bare expected version ${JSON.stringify(bare)} as append's options`,
          'INVALID_OPTION',
          (s) => s.append('good-1', events(1), bare as never),
          new RegExp(`pass \\{ expectedVersion: ${JSON.stringify(bare)} \\}`),
        );
      }
      rejects('null as append options', 'INVALID_OPTION', (s) =>
        s.append('good-1', events(1), null as never),
      );
      rejects('an array as append options', 'INVALID_OPTION', (s) =>
        s.append('good-1', events(1), [0] as never),
      );
      it('refuses a bare expected version on a new stream too (no stream is created)', () =>
        withStore(async (store) => {
          const error = await rejectsWith(
            store.append('fresh-1', events(1), 0 as never),
            'INVALID_OPTION',
          );
          assert.equal((error as unknown as { option: string }).option, 'options');
          assert.equal(await store.getVersion('fresh-1'), 0);
        }));
      rejects('read with a bare number as options', 'INVALID_OPTION', (s) =>
        s.read('good-1', 5 as never),
      );
      rejects('read with a string as options', 'INVALID_OPTION', (s) =>
        s.read('good-1', 'backward' as never),
      );
      rejects('read with mustExist that is not a boolean', 'INVALID_OPTION', (s) =>
        s.read('good-1', { mustExist: 'yes' as never }),
      );
      rejects('readAll with a string as options', 'INVALID_OPTION', (s) =>
        s.readAll('x' as never).toArray(),
      );
      rejects('readAll with a number as options', 'INVALID_OPTION', (s) =>
        s.readAll(5 as never).toArray(),
      );
      rejects('readAllPage with a string as options', 'INVALID_OPTION', (s) =>
        s.readAllPage('x' as never),
      );
      rejects('readAll with null as options', 'INVALID_OPTION', (s) =>
        s.readAll(null as never).toArray(),
      );
      rejects('countEventsAfter with null as the filter', 'INVALID_OPTION', (s) =>
        s.countEventsAfter(undefined, null as never, 10),
      );
      rejects('countEventsAfter with a string as the filter', 'INVALID_OPTION', (s) =>
        s.countEventsAfter(undefined, 'Task' as never, 10),
      );
      rejects('hasPendingEvents with a string as the filter', 'INVALID_OPTION', (s) =>
        s.hasPendingEvents(undefined, 'Task' as never),
      );
    });

    describe('positions out of range', () => {
      const past = 10n ** 20n - 1n; // 20 nines: well-formed, beyond every 64-bit column
      rejects('readAll after a position past 64 bits', 'VALIDATION', async (s) =>
        s.readAll({ after: await positionOf(s, past) }).toArray(),
      );
      rejects('readAllPage after a position past 64 bits', 'VALIDATION', async (s) =>
        s.readAllPage({ after: await positionOf(s, past) }),
      );
      rejects('countEventsAfter a position past 64 bits', 'VALIDATION', async (s) =>
        s.countEventsAfter(await positionOf(s, past), {}, 10),
      );
      rejects('hasPendingEvents after a position past 64 bits', 'VALIDATION', async (s) =>
        s.hasPendingEvents(await positionOf(s, past), {}),
      );
      it('reads nothing after the largest position in range (every part 2^63 − 1)', () =>
        withStore(async (store) => {
          await store.append('p-1', events(2));
          const last = await positionOf(store, 2n ** 63n - 1n);
          assert.deepEqual(await store.readAll({ after: last }).toArray(), []);
          assert.equal(await store.countEventsAfter(last, {}, 10), 0);
        }));
    });
  });
}
