import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerializationError } from '../../src/index.js';
import { serializeJson } from '../../src/backend.js';
import { CarefulJsonWriter } from '../../src/core/careful-json-writer.js';
import { prepareSnapshot } from '../../src/core/contracts/prepare-snapshot.js';
import { MAX_JSON_DEPTH } from '../../src/core/serialization.js';

function problem(value: unknown): SerializationError {
  try {
    serializeJson(value, 'data');
  } catch (error) {
    if (SerializationError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a SerializationError');
}

/** The SerializationError `serializeJson` throws, or `undefined` when it writes the value. */
function problemOrNone(value: unknown): SerializationError | undefined {
  try {
    serializeJson(value, 'data');
    return undefined;
  } catch (error) {
    if (SerializationError.is(error)) return error;
    throw error;
  }
}

describe('serializeJson', () => {
  it('serialises plain JSON values like JSON.stringify', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'é', d: { e: {} }, when: new Date(0) };
    expect(serializeJson(value, 'data')).toBe(JSON.stringify(value));
    expect(serializeJson(null, 'data')).toBe('null');
    expect(serializeJson('text', 'data')).toBe('"text"');
    expect(serializeJson(Object.create(null) as object, 'data')).toBe('{}');
  });

  it('names the path of each kind of problem', () => {
    expect(problem({ a: 1n }).path).toBe('data.a');
    expect(problem({ list: [1, { f: () => 0 }] }).path).toBe('data.list[1].f');
    expect(problem({ 'odd key': Symbol('s') }).path).toBe('data["odd key"]');
    expect(problem([1, undefined]).path).toBe('data[1]');
    expect(problem({ n: -Infinity }).message).toMatch(
      /-Infinity is not JSON-serialisable at data\.n/,
    );
    expect(problem({ m: new Map() }).message).toMatch(/A Map is not JSON-serialisable/);
    expect(problem(undefined).path).toBe('data');
    const cyclic: { self?: unknown } = {};
    cyclic.self = { again: cyclic };
    expect(problem(cyclic).message).toMatch(/Circular reference at data\.self\.again/);
  });

  it('handles values deeper than the fast check goes, and cycles found deep down', () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 200; i++) deep = { child: deep, list: [i] };
    expect(serializeJson(deep, 'data')).toBe(JSON.stringify(deep));
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100; i++) {
      const next: Record<string, unknown> = {};
      node.next = next;
      node = next;
    }
    node.back = root;
    expect(problem(root).message).toMatch(/Circular reference/);
    let withBigInt: unknown = { n: 1n };
    for (let i = 0; i < 100; i++) withBigInt = [withBigInt];
    expect(problem(withBigInt).message).toMatch(/BigInt/);
  });

  it('reports a throwing toJSON', () => {
    const bad = {
      toJSON: () => {
        throw new Error('boom');
      },
    };
    const error = problem({ x: bad });
    expect(error.message).toBe('toJSON() threw (boom) at data.x');
    expect((error.cause as Error).message).toBe('boom');
  });
});

describe('serializeJson on hostile values (issue 11)', () => {
  it('refuses holes in sparse arrays, naming the hole', () => {
    // eslint-disable-next-line no-sparse-arrays
    const error = problem({ items: [1, , 3] });
    expect(error.path).toBe('data.items[1]');
    expect(error.message).toBe(
      'A hole in a sparse array is not JSON-serialisable (it would read back as null) at data.items[1]',
    );
    expect(problem(new Array(3)).path).toBe('data[0]');
    // eslint-disable-next-line no-sparse-arrays
    expect(problem({ deep: { list: [[0, , 2]] } }).path).toBe('data.deep.list[0][1]');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more, or 5,000, with a SerializationError`, () => {
    const nested = (depth: number, leaf: unknown = 1): unknown => {
      let value = leaf;
      for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { k: value };
      return value;
    };
    const deepest = nested(MAX_JSON_DEPTH);
    expect(serializeJson(deepest, 'data')).toBe(JSON.stringify(deepest));
    expect(problem(nested(MAX_JSON_DEPTH + 1)).message).toMatch(
      /^Nested deeper than 1000 levels of arrays and objects at data/,
    );
    const tooDeep = problem(nested(5000));
    expect(tooDeep.message).toMatch(/^Nested deeper than 1000 levels/);
    // The path is shortened: its first 16 and last 8 steps, and how many are left out.
    expect(tooDeep.path).toBe(`data${'.k[0]'.repeat(8)}…(976 more)…${'.k[0]'.repeat(4)}`);
  });

  it('reports getters, toJSON and Proxy traps that throw as SerializationErrors with the cause', () => {
    const boom = new TypeError('boom');
    const getter = Object.defineProperty({}, 'total', {
      enumerable: true,
      get: () => {
        throw boom;
      },
    });
    const fromGetter = problem({ order: getter });
    expect(fromGetter.message).toBe('Reading the value threw (boom) at data.order.total');
    expect(fromGetter.cause).toBe(boom);
    const throwing = (trap: keyof ProxyHandler<object>) =>
      new Proxy(
        { a: 1 },
        {
          [trap]: () => {
            throw new RangeError(`${trap} refused`);
          },
        },
      );
    for (const trap of ['get', 'ownKeys', 'getPrototypeOf', 'getOwnPropertyDescriptor'] as const) {
      const error = problem({ list: [throwing(trap)] });
      expect(error.path).toBe('data.list[0]');
      expect(error.message).toBe(`Reading the value threw (${trap} refused) at data.list[0]`);
      expect(error.cause).toBeInstanceOf(RangeError);
    }
    // The fast check runs `'toJSON' in value`; JSON does not: a throwing `has` trap is not a problem.
    expect(problemOrNone({ list: [throwing('has')] })).toBeUndefined();
    expect(serializeJson({ list: [throwing('has')] }, 'data')).toBe('{"list":[{"a":1}]}');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(problem({ r: proxy }).message).toMatch(
      /^Reading the value threw \(.*revoked\) at data\.r$/,
    );
    const throwsNull = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw null;
      },
    });
    expect(problem(throwsNull).message).toBe('Reading the value threw (null) at data.x');
    const hostileError = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error('no prototype');
        },
      },
    );
    const throwsHostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get: () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw hostileError;
      },
    });
    expect(problem(throwsHostile).message).toBe(
      'Reading the value threw (an error that cannot be shown) at data.x',
    );
  });

  it('refuses -0 anywhere, since it reads back as 0', () => {
    expect(problem(-0).path).toBe('data');
    expect(problem({ n: -0 }).message).toBe(
      '-0 is not JSON-serialisable (it would read back as 0) at data.n',
    );
    expect(problem({ list: [0, 1, -0] }).path).toBe('data.list[2]');
    expect(problem({ when: new Date(0), n: -0 }).path).toBe('data.n'); // the careful path too
    expect(serializeJson({ n: 0, m: -1, f: -0.5 }, 'data')).toBe('{"n":0,"m":-1,"f":-0.5}');
  });

  it('refuses enumerable symbol-keyed properties, which JSON would drop', () => {
    const tag = Symbol('tag');
    const error = problem({ a: 1, nested: { [tag]: 'x', b: 2 } });
    expect(error.path).toBe('data.nested[Symbol(tag)]');
    expect(error.message).toBe(
      'A property keyed by a symbol is not JSON-serialisable at data.nested[Symbol(tag)]',
    );
    expect(problem({ when: new Date(0), [Symbol.for('k')]: 1 }).path).toBe('data[Symbol(k)]');
    const hidden = Object.defineProperty({ a: 1 }, Symbol('meta'), { value: 2, enumerable: false });
    expect(serializeJson(hidden, 'data')).toBe('{"a":1}');
  });

  it('refuses an invalid Date, which JSON would write as null', () => {
    expect(problem({ at: new Date(Number.NaN) }).message).toBe('An invalid Date at data.at');
  });

  it('writes what JSON.stringify writes, on the fast and the careful path alike', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (generated) => {
        const value: unknown = JSON.parse(JSON.stringify(generated)); // -0 becomes 0
        expect(serializeJson(value, 'data')).toBe(JSON.stringify(value));
        expect(new CarefulJsonWriter('data').document(value)).toBe(JSON.stringify(value));
        const withDate = { value, at: new Date(86_400_000) }; // a Date: the careful path
        expect(serializeJson(withDate, 'data')).toBe(JSON.stringify(withDate));
      }),
      { numRuns: 300 },
    );
  });

  it('checks snapshot state the same way (prepareSnapshot)', () => {
    const snapshot = (state: unknown) => ({
      streamId: 'Task-1',
      version: 1,
      schemaVersion: 0,
      state,
    });
    const attempt = (state: unknown): unknown => {
      try {
        return prepareSnapshot(snapshot(state));
      } catch (error) {
        return error;
      }
    };
    expect(attempt({ balance: -0 })).toMatchObject({
      code: 'SERIALIZATION',
      path: 'snapshot.state.balance',
    });
    expect(attempt({ [Symbol('s')]: 1 })).toMatchObject({
      code: 'SERIALIZATION',
      path: 'snapshot.state[Symbol(s)]',
    });
    // eslint-disable-next-line no-sparse-arrays
    expect(attempt({ items: [, 1] })).toMatchObject({
      code: 'SERIALIZATION',
      path: 'snapshot.state.items[0]',
    });
    expect(attempt({ count: 2 })).toEqual({ ...snapshot(undefined), state: '{"count":2}' });
  });
});
