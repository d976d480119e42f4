import { ValidationError } from './errors.js';
import type { ReadAllOptions, ReadOptions } from './event-store.js';

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

/** Checks {@link ReadOptions}; throws a {@link ValidationError}. */
export function normalizeReadOptions(options: ReadOptions | undefined): NormalizedReadOptions {
  const { from, direction = 'forward', limit, mustExist = false } = options ?? {};
  if (from !== undefined && !(Number.isSafeInteger(from) && from >= 0)) {
    throw new ValidationError(
      `Invalid read option from=${String(from)}: expected a non-negative integer`,
    );
  }
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValidationError(
      `Invalid read option direction=${String(direction)}: expected 'forward' or 'backward'`,
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

/** Checks {@link ReadAllOptions} except `after` (the backend decodes it); throws a {@link ValidationError}. */
export function normalizeReadAllOptions(
  options: ReadAllOptions | undefined,
): NormalizedReadAllOptions {
  const { limit, types, categories, batchSize } = options ?? {};
  checkLimit(limit);
  if (batchSize !== undefined && !(Number.isSafeInteger(batchSize) && batchSize > 0)) {
    throw new ValidationError(
      `Invalid batchSize=${String(batchSize)}: expected a positive integer`,
    );
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
    throw new ValidationError(
      `Invalid limit=${typeof limit === 'number' ? limit : typeof limit}: expected a positive integer`,
    );
  }
}

function stringList(name: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new ValidationError(`Invalid ${name}: expected an array of strings`);
  }
  return [...new Set(value)];
}
