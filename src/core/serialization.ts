import { CarefulJsonWriter, MAX_JSON_DEPTH } from './careful-json-writer.js';

export { MAX_JSON_DEPTH };

/**
 * Serialises event data, metadata or snapshot state to JSON, refusing anything
 * JSON would silently lose or mangle: BigInt, functions, symbols, non-finite
 * numbers, `-0` (it would read back as `0`), `undefined` or a hole inside an
 * array, properties keyed by a symbol, cycles, nesting deeper than
 * {@link MAX_JSON_DEPTH} levels, invalid dates, and objects that are neither
 * plain objects nor arrays (Map, Set, class instances) unless they define
 * `toJSON` (as `Date` does: dates are stored as ISO strings). `undefined`
 * object properties are dropped, as JSON does. A getter, `toJSON` or Proxy trap
 * that throws is reported with its cause. Throws a `SerializationError`
 * naming the path of the first problem; never anything else.
 *
 * @example
 * ```ts
 * serializeJson({ items: [1, 2] }, 'data'); // '{"items":[1,2]}'
 * serializeJson({ items: [1, , 3] }, 'data'); // throws SerializationError at data.items[1]
 * ```
 */
export function serializeJson(value: unknown, root: string): string {
  // Fast path: a plain walk proves the common case safe, then the native stringify runs alone.
  try {
    if (value !== undefined && isPlainJson(value, false, 0)) return JSON.stringify(value);
  } catch {
    // A getter or Proxy trap threw: the careful writer below reads again and names it.
  }
  return new CarefulJsonWriter(root).document(value);
}

/** Deeper than this, the fast check gives up and the careful writer decides. */
const MAX_FAST_DEPTH = 64;

/**
 * True when `value` is made only of strings, booleans, finite numbers other
 * than `-0`, null, dense arrays and plain objects without symbol keys
 * (`undefined` allowed as an object property), so that `JSON.stringify` loses
 * nothing. False means "not proven": objects with `toJSON` (dates), anything
 * lossy, or very deep values take the careful path.
 */
function isPlainJson(value: unknown, inArray: boolean, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case 'undefined':
      return !inArray;
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_FAST_DEPTH) return false;
      if (Array.isArray(value)) {
        const list = value as unknown[];
        // A hole reads as undefined, which is refused inside an array.
        for (let i = 0; i < list.length; i++)
          if (!isPlainJson(list[i], true, depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ('toJSON' in value) return false;
      for (const key in value) {
        if (!isPlainJson((value as Record<string, unknown>)[key], false, depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(value).length === 0;
    }
    default:
      return false;
  }
}
