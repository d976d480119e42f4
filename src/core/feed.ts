import type { ReadAllOptions, ReadAllPage } from './event-store.js';
import type { NewEvent, Recorded, RecordedEvent } from './events.js';
import type { Position } from './position.js';
import { ValidationError } from './errors.js';
import { DEFAULT_BATCH_SIZE, normalizeReadAllOptions } from './read-options.js';

/**
 * The global feed as an async iterable (`for await (const e of store.readAll())`)
 * that reads page by page; `toArray()` collects it.
 */
export interface EventFeed<T> extends AsyncIterable<T> {
  /** Reads the whole (remaining) feed into an array. */
  toArray(): Promise<T[]>;
}

/**
 * Builds `readAll` from a backend's `readAllPage` (for backend authors).
 * Options are validated by the first page read. Once `options.signal` aborts,
 * the next `next()` rejects with its reason (an event already read is not lost:
 * iterate again from the last position you handled).
 */
export function createEventFeed<E extends NewEvent>(
  readPage: (options: ReadAllOptions) => Promise<ReadAllPage<E>>,
  options: ReadAllOptions = {},
): EventFeed<Recorded<E>> {
  // Not an object (null, a string…): the first `next()` rejects with the check's error.
  const given: ReadAllOptions = typeof options === 'object' && options !== null ? options : {};
  // A hand-written iterator: an async generator costs about 100 ns more per event.
  const iterate = (): AsyncIterator<Recorded<E>> => {
    let checked = false;
    let page: Recorded<E>[] = [];
    let index = 0;
    let remaining = given.limit ?? Number.POSITIVE_INFINITY;
    let after = given.after;
    let done = false;
    const batchSize = given.batchSize ?? DEFAULT_BATCH_SIZE;
    const { signal, ...pageOptions } = given;
    const next = async (): Promise<IteratorResult<Recorded<E>>> => {
      if (!checked) {
        normalizeReadAllOptions(options); // reject bad options even when no page would be read
        if (signal !== undefined && !(signal instanceof AbortSignal)) {
          throw new ValidationError(
            `Invalid signal: expected an AbortSignal, got ${typeof signal}`,
          );
        }
        checked = true;
      }
      signal?.throwIfAborted();
      while (index >= page.length) {
        if (done || remaining <= 0) return { done: true, value: undefined };
        const result = await readPage({
          ...pageOptions,
          after,
          limit: Math.min(batchSize, remaining),
        });
        signal?.throwIfAborted();
        page = result.events;
        index = 0;
        remaining -= page.length;
        done = result.isEnd;
        after = result.next;
      }
      return { done: false, value: page[index++] as Recorded<E> };
    };
    return {
      next,
      return: () => {
        done = true;
        page = [];
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  };
  return {
    [Symbol.asyncIterator]: iterate,
    async toArray() {
      const out: Recorded<E>[] = [];
      const iterator = iterate();
      for (let r = await iterator.next(); r.done !== true; r = await iterator.next())
        out.push(r.value);
      return out;
    },
  };
}

/**
 * Builds a feed page by the one rule every backend shares (for backend
 * authors): `next` is the position of the last event read, or the `after`
 * given when nothing was read; `isEnd` is true when the page is not full.
 */
export function feedPage<E extends NewEvent>(
  events: readonly RecordedEvent[],
  after: Position | undefined,
  limit: number,
): ReadAllPage<E> {
  return {
    events: events as Recorded<E>[],
    next: events.at(-1)?.position ?? after,
    isEnd: events.length < limit,
  };
}
