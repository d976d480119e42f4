import type { EventStore } from '../event-store.js';
import type { Position } from '../position.js';

/**
 * Where "only new events" begins (a subscription's `from: 'end'`): after
 * `position`, less the events `committedBefore` picks. A store whose feed
 * shows every committed event at once (memory, SQLite) has only a position,
 * its head. A store whose feed can hold committed events back (PostgreSQL's
 * horizon) also names the events after its head that were committed before
 * the end was taken: their appends had resolved, so they are not new.
 */
export interface FeedEnd {
  /** The position to read after (`undefined`: the feed was empty). */
  readonly position: Position | undefined;
  /**
   * Whether the event at a position after `position` was committed before
   * the end was taken (to be skipped, its position still passed); absent
   * when there are none.
   */
  readonly committedBefore?: ((position: Position) => boolean) | undefined;
}

/**
 * The key of the method by which a store resolves {@link FeedEnd} (for
 * backend authors; `EventStoreKernel` has it). A registered symbol
 * (`Symbol.for`), so two copies of the package agree on it.
 */
export const resolveFeedEnd: unique symbol = Symbol.for('eventfold.resolveFeedEnd');

/** A store that resolves where "only new events" begins itself. */
export interface FeedEndResolver {
  /** Where "only new events" begins now (see {@link FeedEnd}). */
  [resolveFeedEnd](): Promise<FeedEnd>;
}

/**
 * Where "only new events" begins on `store`: its own {@link resolveFeedEnd}
 * when it has one, else its head position.
 */
export async function feedEndOf(store: EventStore): Promise<FeedEnd> {
  const resolver = (store as Partial<FeedEndResolver>)[resolveFeedEnd];
  if (typeof resolver === 'function') return resolver.call(store);
  return { position: await store.headPosition() };
}
