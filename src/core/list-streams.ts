import type { ListStreamsOptions } from './event-store.js';
import { checkOption } from './options.js';
import { readInput } from './read-input.js';

/** The streams a `EventStore.listStreams` page holds when no `limit` is given. */
export const DEFAULT_STREAM_PAGE_SIZE = 100;
/** The most streams one `EventStore.listStreams` page may hold. */
export const MAX_STREAM_PAGE_SIZE = 10_000;

/** `listStreams` options, checked (for backend authors). */
export interface NormalizedListStreamsOptions {
  /** Only streams of this category (`undefined`: every stream). */
  readonly category: string | undefined;
  /** Only streams whose ids sort after this one, in code point order (`undefined`: from the first). */
  readonly after: string | undefined;
  /** The most streams to return. */
  readonly limit: number;
}

/**
 * Checks `listStreams` options: `category` a non-empty string, `after` a
 * string, `limit` an integer from 1 to 10,000 (default 100); anything else
 * is an `InvalidOptionError`.
 */
export function normalizeListStreamsOptions(
  options: ListStreamsOptions | undefined,
): NormalizedListStreamsOptions {
  checkOption.object('options', options);
  const { category, after, limit } = readInput(() => {
    const { category, after, limit } = options ?? {};
    return { category, after, limit };
  }, 'options');
  checkOption.string('category', category);
  checkOption.string('after', after, true);
  checkOption.integer('limit', limit, 1, MAX_STREAM_PAGE_SIZE);
  return { category, after, limit: limit ?? DEFAULT_STREAM_PAGE_SIZE };
}

/**
 * Compares two strings by Unicode code point (the order of their UTF-8
 * bytes, as SQLite and PostgreSQL's `"C"` collation compare text), unlike
 * `<`, which compares UTF-16 code units.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800–0xDFFF) stands for a code point above 0xFFFF: it sorts after 0xE000–0xFFFF.
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX !== surrogateY) return surrogateX ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
