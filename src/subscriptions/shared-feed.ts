import type { EventStore, ReadAllOptions, ReadAllPage } from '../core/event-store.js';

/** How many events of full pages a shared feed keeps for partitions that read the same positions later. */
const KEPT_EVENTS = 20_000;
/** How long a kept page may serve, in milliseconds. */
const KEPT_MS = 10_000;

interface Kept {
  /** The filters the page was read with (JSON). */
  readonly filter: string;
  /** The page covers the feed's events after this position (`''`: from the start) up to `page.next`. */
  readonly after: string;
  readonly page: ReadAllPage;
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
 * positions: a read in flight with the same `after` and filters (as in live
 * mode, where every partition reads from the head at each wake-up), or a
 * full page read moments ago that covers its `after` (as partitions
 * catching up behind one another read the same stretch of the feed). A full
 * page is final on every backend (on PostgreSQL it lies below the feed's
 * horizon), so its events after a position are all the feed holds there:
 * served as a full page (`isEnd: false`), maybe shorter than asked, the
 * partition reads on from its end. A page that reached the
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
  /** Full pages read lately, oldest first. */
  #kept: Kept[] = [];
  #keptEvents = 0;
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
    const filter = JSON.stringify([types ?? null, categories ?? null]);
    const kept = this.#fromKept(filter, after ?? '', limit);
    if (kept !== undefined) return kept;
    const key = JSON.stringify([after ?? null, filter]);
    const epoch = this.#epoch;
    const flying = this.#inFlight.get(key)?.find((f) => f.limit >= limit && f.epoch === epoch);
    if (flying !== undefined) {
      const page = await flying.page;
      return page.events.length > limit ? cut(page.events.slice(0, limit), page) : page;
    }
    const page = this.#fetch(options);
    const entry: InFlight = { page, limit, epoch };
    this.#inFlight.set(key, [...(this.#inFlight.get(key) ?? []), entry]);
    try {
      const read = await page;
      if (!read.isEnd && read.events.length > 0) {
        this.#keep({ filter, after: after ?? '', page: read, at: Date.now() });
      }
      return read;
    } finally {
      const remaining = (this.#inFlight.get(key) ?? []).filter((f) => f !== entry);
      if (remaining.length === 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, remaining);
    }
  }

  /**
   * The events after `after` (up to `limit`) of a kept full page that covers
   * `after`: they are all the feed has there, since a full page is final.
   */
  #fromKept(filter: string, after: string, limit: number): ReadAllPage | undefined {
    const now = Date.now();
    while (this.#kept.length > 0 && now - (this.#kept[0] as Kept).at > KEPT_MS) this.#drop();
    for (let i = this.#kept.length - 1; i >= 0; i--) {
      const { page, ...kept } = this.#kept[i] as Kept;
      const next = page.next ?? '';
      if (kept.filter !== filter || kept.after > after || after >= next) continue;
      const events = page.events.filter((event) => event.position > after).slice(0, limit);
      if (events.length > 0) return cut(events, page);
    }
    return undefined;
  }

  #keep(kept: Kept): void {
    this.#kept.push(kept);
    this.#keptEvents += kept.page.events.length;
    while (this.#keptEvents > KEPT_EVENTS && this.#kept.length > 1) this.#drop();
  }

  #drop(): void {
    const dropped = this.#kept.shift();
    if (dropped !== undefined) this.#keptEvents -= dropped.page.events.length;
  }

  #fetch(options: ReadAllOptions): Promise<ReadAllPage> {
    this.#read++;
    return this.#target.readAllPage(options);
  }
}

/** `events` (some of a full page's, in order) as a full page: not the end of the feed. */
function cut(events: ReadAllPage['events'], page: ReadAllPage): ReadAllPage {
  return { events, next: events[events.length - 1]?.position ?? page.next, isEnd: false };
}
