import { SerializationError } from './errors.js';

/**
 * Serialises event data or metadata to JSON, refusing anything JSON would
 * silently lose or mangle: BigInt, functions, symbols, non-finite numbers,
 * `undefined` inside arrays, cycles, and objects that are neither plain
 * objects nor arrays (Map, Set, class instances) unless they define `toJSON`
 * (as `Date` does: dates are stored as ISO strings). `undefined` object
 * properties are dropped, as JSON does. Throws a {@link SerializationError}
 * naming the path of the first problem.
 */
export function serializeJson(value: unknown, root: string): string {
  // Fast path: a plain walk proves the common case safe, then the native stringify runs alone.
  if (value !== undefined && isPlainJson(value, false, 0)) return JSON.stringify(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value, checkValue);
  } catch {
    throw explain(value, root);
  }
  if (json === undefined) throw new SerializationError('Value is not JSON-serialisable', root);
  return json;
}

/** Deeper than this, the fast check gives up and the checking stringify (which detects cycles) decides. */
const MAX_FAST_DEPTH = 64;

/**
 * True when `value` is made only of strings, booleans, finite numbers, null,
 * arrays and plain objects (`undefined` allowed as an object property), so that
 * `JSON.stringify` loses nothing. False means "not proven": objects with
 * `toJSON` (dates), anything lossy, or very deep values take the slow path.
 */
function isPlainJson(value: unknown, inArray: boolean, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'undefined':
      return !inArray;
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_FAST_DEPTH) return false;
      if (Array.isArray(value)) {
        for (const item of value as unknown[])
          if (!isPlainJson(item, true, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ('toJSON' in value) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], false, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Thrown inside JSON.stringify to stop at the first problem; `explain` then finds it. */
const PROBLEM = new Error('not serialisable');

function checkValue(this: unknown, _key: string, value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      throw PROBLEM;
    case 'object':
      if (value === null || Array.isArray(value)) return value;
      {
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto === Object.prototype || proto === null) return value;
      }
      throw PROBLEM;
    case 'undefined':
      if (Array.isArray(this)) throw PROBLEM;
      return value;
    default:
      throw PROBLEM;
  }
}

/** Walks the value again (slowly, only on failure) to name the first problem and its path. */
function explain(value: unknown, root: string): SerializationError {
  const seen = new Set<object>();
  const walk = (v: unknown, path: string, inArray: boolean): SerializationError | undefined => {
    if (v !== null && typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function') {
      try {
        v = (v.toJSON as () => unknown)();
      } catch (cause) {
        return new SerializationError('toJSON() threw', path, { cause });
      }
    }
    switch (typeof v) {
      case 'bigint':
        return new SerializationError(
          'BigInt is not JSON-serialisable (convert it to a string)',
          path,
        );
      case 'function':
        return new SerializationError('A function is not JSON-serialisable', path);
      case 'symbol':
        return new SerializationError('A symbol is not JSON-serialisable', path);
      case 'number':
        return Number.isFinite(v)
          ? undefined
          : new SerializationError(`${v} is not JSON-serialisable`, path);
      case 'undefined':
        return inArray
          ? new SerializationError('undefined inside an array is not JSON-serialisable', path)
          : undefined;
      case 'object': {
        if (v === null) return undefined;
        if (seen.has(v)) return new SerializationError('Circular reference', path);
        const proto: unknown = Object.getPrototypeOf(v);
        if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) {
          const name = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
          return new SerializationError(
            `A ${name} is not JSON-serialisable (use a plain object or array)`,
            path,
          );
        }
        seen.add(v);
        const entries: [string, unknown][] = Array.isArray(v)
          ? v.map((item, i) => [`[${i}]`, item])
          : Object.entries(v).map(([k, item]) => [
              /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`,
              item,
            ]);
        for (const [suffix, item] of entries) {
          const problem = walk(item, path + suffix, Array.isArray(v));
          if (problem !== undefined) return problem;
        }
        seen.delete(v);
        return undefined;
      }
      default:
        return undefined;
    }
  };
  return walk(value, root, false) ?? new SerializationError('Value is not JSON-serialisable', root);
}
