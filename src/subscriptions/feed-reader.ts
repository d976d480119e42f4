import type { EventStore, ReadAllPage } from '../core/event-store.js';
import type { Position } from '../core/position.js';

/** A page of the feed and how far a subscription may checkpoint once it has handled it. */
export interface FeedRead {
  readonly page: ReadAllPage;
  /**
   * After a filtered read that found the end of the feed: the feed's head
   * when it lies past the page, so the checkpoint can move over the events
   * the filters left out; `undefined` otherwise.
   */
  readonly passTo: Position | undefined;
}

/**
 * Reads a subscription's feed pages (internal). With type or category
 * filters, the head is read before the page: every event up to it is then
 * visible to the read (a later event can only land after it, even behind
 * PostgreSQL's horizon), so once the page is handled, nothing the
 * subscription matches lies between the page and the head.
 *
 * @internal
 */
export class FeedReader {
  readonly #store: EventStore;
  readonly #types: readonly string[] | undefined;
  readonly #categories: readonly string[] | undefined;
  /** Events per page; a projection with an adaptive batch size changes it between pages. */
  batchSize: number;

  constructor(
    store: EventStore,
    options: {
      readonly types: readonly string[] | undefined;
      readonly categories: readonly string[] | undefined;
      readonly batchSize: number;
    },
  ) {
    this.#store = store;
    this.#types = options.types;
    this.#categories = options.categories;
    this.batchSize = options.batchSize;
  }

  /** Reads the page after `cursor` (`null`: from the start). */
  async read(cursor: Position | null): Promise<FeedRead> {
    const types = this.#types;
    const categories = this.#categories;
    const filtered = types !== undefined || categories !== undefined;
    const head = filtered ? await this.#store.headPosition() : undefined;
    const page = await this.#store.readAllPage({
      after: cursor ?? undefined,
      limit: this.batchSize,
      ...(types === undefined ? {} : { types }),
      ...(categories === undefined ? {} : { categories }),
    });
    const last = page.next ?? null;
    const passTo =
      page.isEnd && head !== undefined && (last === null || head > last) ? head : undefined;
    return { page, passTo };
  }
}
