import { InvalidOptionError, ValidationError } from './errors.js';
import type { ReadAllOptions, ReadOptions } from './event-store.js';
import { checkOption } from './options.js';
import { readInput } from './read-input.js';

/** The default number of events fetched per page by `readAll`, and the default page size of `readAllPage`. */
export const DEFAULT_BATCH_SIZE = 500;

/** {@link ReadOptions}, checked, with defaults filled in (for backend authors). */
export interface NormalizedReadOptions {
  /** First version to read, inclusive; `undefined` backward means "from the last". */
  readonly from: number | undefined;
  readonly backward: boolean;
  /** The most events to return (`Infinity` when unlimited). */
  readonly limit: number;
  readonly mustExist: boolean;
}

/**
 * Checks {@link ReadOptions}; throws a {@link ValidationError}. Options must be
 * an object or `undefined`: `read(id, 5)` is an `InvalidOptionError` naming
 * `options` (write `read(id, { from: 5 })`).
 *
 * @example
 * ```ts
 * normalizeReadOptions({ from: 3, limit: 10 }); // { from: 3, backward: false, limit: 10, mustExist: false }
 * ```
 */
export function normalizeReadOptions(options: ReadOptions | undefined): NormalizedReadOptions {
  checkOptionsObject(options, '{ from: 1 }');
  checkOption.knownKeys('options', options, ['from', 'direction', 'limit', 'mustExist']);
  const {
    from,
    direction = 'forward',
    limit,
    mustExist = false,
  } = readInput(() => {
    const { from, direction, limit, mustExist } = options ?? {};
    return { from, direction, limit, mustExist };
  }, 'options');
  checkOption.boolean('mustExist', mustExist);
  if (from !== undefined && !(Number.isSafeInteger(from) && from >= 0)) {
    throw new ValidationError(
      `Invalid read option from=${shown(from)}: expected a non-negative integer`,
    );
  }
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValidationError(
      `Invalid read option direction=${shown(direction)}: expected 'forward' or 'backward'`,
    );
  }
  checkLimit(limit);
  return {
    from,
    backward: direction === 'backward',
    limit: limit ?? Number.POSITIVE_INFINITY,
    mustExist,
  };
}

/** {@link ReadAllOptions}, checked (for backend authors). */
export interface NormalizedReadAllOptions {
  readonly limit: number;
  /** Distinct types, or `undefined` for all. An empty list matches nothing. */
  readonly types: readonly string[] | undefined;
  /** Distinct categories, or `undefined` for all. An empty list matches nothing. */
  readonly categories: readonly string[] | undefined;
}

/**
 * Checks {@link ReadAllOptions} except `after` (the backend decodes it); throws
 * a {@link ValidationError}. Options must be an object or `undefined`:
 * `readAll('x')` is an `InvalidOptionError` naming `options`.
 *
 * @example
 * ```ts
 * normalizeReadAllOptions({ types: ['A', 'A'] }); // { limit: 500, types: ['A'], categories: undefined }
 * ```
 */
export function normalizeReadAllOptions(
  options: ReadAllOptions | undefined,
): NormalizedReadAllOptions {
  checkOptionsObject(options, '{ after: position }');
  checkOption.knownKeys('options', options, [
    'after',
    'limit',
    'types',
    'categories',
    'batchSize',
    'signal',
  ]);
  const { limit, types, categories, batchSize } = readInput(() => {
    const { limit, types, categories, batchSize } = options ?? {};
    return { limit, types, categories, batchSize };
  }, 'options');
  checkLimit(limit);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize > 0)) {
    throw new ValidationError(`Invalid batchSize=${shown(batchSize)}: expected a positive integer`);
  }
  return {
    limit: limit ?? DEFAULT_BATCH_SIZE,
    types: stringList('types', types),
    categories: stringList('categories', categories),
  };
}

function checkLimit(limit: unknown): void {
  if (
    limit !== undefined &&
    !(typeof limit === 'number' && Number.isSafeInteger(limit) && limit > 0)
  ) {
    throw new ValidationError(`Invalid limit=${shown(limit)}: expected a positive integer`);
  }
}

function stringList(name: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new ValidationError(`Invalid ${name}: expected an array of strings`);
  }
  return [...new Set(value)];
}

/** Refuses options that are not an object (a bare number or string in their place). */
function checkOptionsObject(options: unknown, example: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('options', options, `an options object such as ${example}`);
  }
}

/** A bad value in a message: numbers and short strings as they are, anything else by its type (no `toString` runs). */
function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return value === null ? 'null' : typeof value;
}
