import type { EventStore, ReadAllOptions, ReadAllPage } from '../core/event-store.js';

/** How many full pages a shared feed keeps for partitions that read the same positions later. */
const KEPT_PAGES = 32;
/** How long a kept page may serve, in milliseconds. */
const KEPT_MS = 10_000;

interface Kept {
  readonly page: ReadAllPage;
  readonly limit: number;
  readonly at: number;
}

interface InFlight {
  readonly page: Promise<ReadAllPage>;
  readonly limit: number;
  /** The appends signalled before the read began: a read that began before an append is not joined. */
  readonly epoch: number;
}

/** What a shared feed has counted, for tests and measurements. */
export interface SharedFeedCounts {
  /** `readAllPage` calls its partitions made. */
  readonly requested: number;
  /** Calls that reached the store (the others were served by a read in flight or a kept page). */
  readonly read: number;
}

/**
 * The feed of one member of a rebalancing group, shared by the
 * subscriptions of its partitions (internal): the store as they see it,
 * whose `readAllPage` serves a partition from another's read of the same
 * position: a read in flight with the same `after` and filters (as in live
 * mode, where every partition reads from the head at each wake-up), or a
 * full page read moments ago (as partitions catching up from one checkpoint
 * read the same pages). A full page is final on every backend (on
 * PostgreSQL it lies below the feed's horizon), so a page cut to a smaller
 * `limit` is what that read would have returned. A page that reached the
 * end of the feed serves only while its read is in flight, and only reads
 * asked for before the store signalled another append: later reads must see
 * what was appended since. Everything else goes to the store.
 *
 * @internal
 */
export class SharedFeed {
  /** The store, as the partitions' subscriptions use it. */
  readonly store: EventStore;
  readonly #target: EventStore;
  readonly #inFlight = new Map<string, InFlight[]>();
  readonly #kept = new Map<string, Kept>();
  readonly #unlisten: () => void;
  #epoch = 0;
  #requested = 0;
  #read = 0;

  constructor(store: EventStore) {
    this.#target = store;
    this.#unlisten = store.onAppended(() => this.#epoch++);
    const readAllPage = (options?: ReadAllOptions): Promise<ReadAllPage> =>
      this.#readAllPage(options);
    this.store = new Proxy(store, {
      get(target, property) {
        if (property === 'readAllPage') return readAllPage;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }

  /** Stops listening to the store's appends. */
  close(): void {
    this.#unlisten();
  }

  /** How many reads were asked for and how many reached the store. */
  get counts(): SharedFeedCounts {
    return { requested: this.#requested, read: this.#read };
  }

  async #readAllPage(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.#requested++;
    const { after, limit, types, categories, signal } = options;
    if (signal !== undefined || limit === undefined) return this.#fetch(options);
    const key = JSON.stringify([after ?? null, types ?? null, categories ?? null]);
    const kept = this.#kept.get(key);
    if (kept !== undefined) {
      if (Date.now() - kept.at <= KEPT_MS && kept.page.events.length >= limit) {
        return cut(kept.page, limit);
      }
      this.#kept.delete(key);
    }
    const epoch = this.#epoch;
    const flying = this.#inFlight.get(key)?.find((f) => f.limit >= limit && f.epoch === epoch);
    if (flying !== undefined) {
      const page = await flying.page;
      return page.events.length > limit ? cut(page, limit) : page;
    }
    const page = this.#fetch(options);
    const entry: InFlight = { page, limit, epoch };
    const list = this.#inFlight.get(key) ?? [];
    list.push(entry);
    this.#inFlight.set(key, list);
    try {
      const read = await page;
      if (!read.isEnd && read.events.length > 0)
        this.#keep(key, { page: read, limit, at: Date.now() });
      return read;
    } finally {
      const remaining = (this.#inFlight.get(key) ?? []).filter((f) => f !== entry);
      if (remaining.length === 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, remaining);
    }
  }

  #fetch(options: ReadAllOptions): Promise<ReadAllPage> {
    this.#read++;
    return this.#target.readAllPage(options);
  }

  #keep(key: string, kept: Kept): void {
    const current = this.#kept.get(key);
    if (current !== undefined && current.page.events.length >= kept.page.events.length) return;
    this.#kept.delete(key);
    this.#kept.set(key, kept);
    while (this.#kept.size > KEPT_PAGES) {
      const oldest = this.#kept.keys().next().value;
      if (oldest === undefined) break;
      this.#kept.delete(oldest);
    }
  }
}

/** The first `limit` events of a full page: a full page again (not the end of the feed). */
function cut(page: ReadAllPage, limit: number): ReadAllPage {
  if (page.events.length === limit) return { ...page, isEnd: false };
  const events = page.events.slice(0, limit);
  return { events, next: events[events.length - 1]?.position ?? page.next, isEnd: false };
}
