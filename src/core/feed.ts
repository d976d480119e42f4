import type { ReadAllOptions, ReadAllPage } from './event-store.js';
import type { NewEvent, Recorded } from './events.js';
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
 * Options are validated by the first page read.
 */
export function createEventFeed<E extends NewEvent>(
  readPage: (options: ReadAllOptions) => Promise<ReadAllPage<E>>,
  options: ReadAllOptions = {},
): EventFeed<Recorded<E>> {
  async function* iterate(): AsyncGenerator<Recorded<E>> {
    normalizeReadAllOptions(options); // reject bad options even when no page would be read
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let after = options.after;
    while (remaining > 0) {
      const page = await readPage({ ...options, after, limit: Math.min(batchSize, remaining) });
      for (const event of page.events) yield event;
      remaining -= page.events.length;
      if (page.isEnd) return;
      after = page.next;
    }
  }
  return {
    [Symbol.asyncIterator]: iterate,
    async toArray() {
      const out: Recorded<E>[] = [];
      for await (const event of iterate()) out.push(event);
      return out;
    },
  };
}
