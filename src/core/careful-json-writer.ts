import { SerializationError } from './errors.js';
import { describeThrown } from './read-input.js';

/** The deepest nesting of arrays and objects that `serializeJson` accepts: 1,000 levels. */
export const MAX_JSON_DEPTH = 1000;

/** Paths of more steps than this are shortened to their first and last steps in errors. */
const LONGEST_PATH = 32;
const PATH_HEAD = 16;
const PATH_TAIL = 8;

/** One step of a path: an array index, an object key, or a symbol key. */
type PathSegment = number | string | symbol;

/**
 * Writes JSON the way `JSON.stringify` does, reading each property once and
 * refusing at the first lossy value with the path to it (the careful path of
 * `serializeJson`, taken when its fast check cannot prove a value plain, so it
 * favours clear errors over speed).
 *
 * @internal
 * @example
 * ```ts
 * new CarefulJsonWriter('data').document({ at: new Date(0) }); // '{"at":"1970-01-01T00:00:00.000Z"}'
 * ```
 */
export class CarefulJsonWriter {
  readonly #root: string;
  /** The path from the root to the value being written. */
  readonly #path: PathSegment[] = [];
  /** The objects and arrays being written (to detect cycles). */
  readonly #open = new Set<object>();
  /** The error this writer threw, told apart from a user's by identity (no trap can run). */
  #thrown: SerializationError | undefined;

  constructor(root: string) {
    this.#root = root;
  }

  /** The whole value as JSON text. */
  document(value: unknown): string {
    const json = this.#value({ '': value }, '', false);
    if (json === undefined) throw this.#problem('Value is not JSON-serialisable');
    return json;
  }

  /**
   * The JSON text of `holder[key]`, or `undefined` when an object property
   * would be dropped. Anything thrown while reading it (a getter, a Proxy
   * trap) becomes a {@link SerializationError} at its path.
   */
  #value(holder: object, key: string | number, inArray: boolean): string | undefined {
    try {
      let value: unknown = (holder as Record<string | number, unknown>)[key];
      if (
        (typeof value === 'object' && value !== null) ||
        (typeof value === 'bigint' && (value as { toJSON?: unknown }).toJSON !== undefined)
      ) {
        value = this.#toJson(value, String(key));
      }
      switch (typeof value) {
        case 'string':
          return JSON.stringify(value);
        case 'boolean':
          return value ? 'true' : 'false';
        case 'number':
          if (!Number.isFinite(value)) throw this.#problem(`${value} is not JSON-serialisable`);
          if (value === 0 && 1 / value < 0)
            throw this.#problem('-0 is not JSON-serialisable (it would read back as 0)');
          return JSON.stringify(value);
        case 'undefined':
          if (inArray) throw this.#problem('undefined inside an array is not JSON-serialisable');
          return undefined;
        case 'bigint':
          throw this.#problem('BigInt is not JSON-serialisable (convert it to a string)');
        case 'function':
          throw this.#problem('A function is not JSON-serialisable');
        case 'symbol':
          throw this.#problem('A symbol is not JSON-serialisable');
        case 'object':
          return value === null ? 'null' : this.#container(value);
        default:
          throw this.#problem('Value is not JSON-serialisable');
      }
    } catch (error) {
      if (error === this.#thrown) throw error;
      throw this.#problem(`Reading the value threw (${describeThrown(error)})`, error);
    }
  }

  /** What `toJSON(key)` returns when the value has one (a Date's ISO string), else the value. */
  #toJson(value: unknown, key: string): unknown {
    const toJson: unknown = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJson !== 'function') return value;
    let result: unknown;
    try {
      result = (toJson as (this: unknown, key: string) => unknown).call(value, key);
    } catch (cause) {
      throw this.#problem(`toJSON() threw (${describeThrown(cause)})`, cause);
    }
    if (value instanceof Date && result === null) throw this.#problem('An invalid Date');
    return result;
  }

  #container(value: object): string {
    if (this.#open.has(value)) throw this.#problem('Circular reference');
    if (this.#open.size >= MAX_JSON_DEPTH) {
      throw this.#problem(`Nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
    }
    this.#open.add(value);
    const json = Array.isArray(value) ? this.#array(value) : this.#object(value);
    this.#open.delete(value);
    return json;
  }

  #array(list: readonly unknown[]): string {
    const length = list.length;
    let json = '[';
    for (let i = 0; i < length; i++) {
      this.#path.push(i);
      if (!(i in list)) {
        throw this.#problem(
          'A hole in a sparse array is not JSON-serialisable (it would read back as null)',
        );
      }
      json += `${i === 0 ? '' : ','}${this.#value(list, i, true) as string}`;
      this.#path.pop();
    }
    return `${json}]`;
  }

  #object(value: object): string {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
      throw this.#problem(
        `A ${typeof name === 'string' && name !== '' ? name : 'object'} is not JSON-serialisable (use a plain object or array)`,
      );
    }
    for (const symbol of Object.getOwnPropertySymbols(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
        this.#path.push(symbol);
        throw this.#problem('A property keyed by a symbol is not JSON-serialisable');
      }
    }
    let json = '{';
    for (const key of Object.keys(value)) {
      this.#path.push(key);
      const item = this.#value(value, key, false);
      if (item !== undefined)
        json += `${json.length === 1 ? '' : ','}${JSON.stringify(key)}:${item}`;
      this.#path.pop();
    }
    return `${json}}`;
  }

  #problem(message: string, cause?: unknown): SerializationError {
    const segments = this.#path;
    let path = this.#root;
    if (segments.length <= LONGEST_PATH) {
      for (const segment of segments) path += formatSegment(segment);
    } else {
      // Very deep values: the start and the end of the path, and how many steps are left out.
      for (const segment of segments.slice(0, PATH_HEAD)) path += formatSegment(segment);
      path += `…(${segments.length - PATH_HEAD - PATH_TAIL} more)…`;
      for (const segment of segments.slice(-PATH_TAIL)) path += formatSegment(segment);
    }
    this.#thrown =
      cause === undefined
        ? new SerializationError(message, path)
        : new SerializationError(message, path, { cause });
    return this.#thrown;
  }
}

/** `[2]`, `.price`, `["odd key"]` or `[Symbol(tag)]`. */
function formatSegment(segment: PathSegment): string {
  if (typeof segment === 'number') return `[${segment}]`;
  if (typeof segment === 'symbol') return `[${String(segment)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}
