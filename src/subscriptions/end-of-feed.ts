import type { EventStore, FeedFilter } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { WakeUp } from './wake-up.js';

/**
 * How a subscription waits once it has read to the end of the feed
 * (internal): for a wake-up or the poll interval, and sooner, backing off
 * from 10 ms, while the store holds committed events back (PostgreSQL's feed
 * horizon) or has shown new ones since the read.
 *
 * @internal
 */
export class EndOfFeed {
  readonly #store: EventStore;
  readonly #filter: FeedFilter;
  readonly #pollIntervalMs: number;
  readonly #wake: WakeUp;
  #chase = 0;

  constructor(store: EventStore, filter: FeedFilter, pollIntervalMs: number, wake: WakeUp) {
    this.#store = store;
    this.#filter = filter;
    this.#pollIntervalMs = pollIntervalMs;
    this.#wake = wake;
  }

  /** Waits after a read that ended at `cursor`; false when a whole poll interval passed quietly. */
  async wait(cursor: Position | null): Promise<boolean> {
    const poll = this.#pollIntervalMs;
    const pending = this.#store.capabilities.delayedVisibility && (await this.#morePending(cursor));
    this.#chase = pending ? Math.min(this.#chase + 1, 8) : 0;
    if (pending) {
      await this.#wake.wait(Math.min(poll, 5 * 2 ** this.#chase));
      return true;
    }
    return this.#wake.wait(poll);
  }

  /** Whether events after `cursor` are held back, or became visible since the read. */
  async #morePending(cursor: Position | null): Promise<boolean> {
    const after = cursor ?? undefined;
    return (
      (await this.#store.hasPendingEvents(after, this.#filter)) ||
      (await this.#store.countEventsAfter(after, this.#filter, 1)) > 0
    );
  }
}
