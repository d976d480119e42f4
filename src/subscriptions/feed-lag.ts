import type { EventStore, FeedFilter } from '../core/event-store.js';
import type { Position } from '../core/position.js';

/** How far behind the head of the feed a subscription is. */
export interface SubscriptionLag {
  /** Events (matching its filters) after its checkpoint, counted up to {@link MAX_LAG_COUNT}. */
  readonly events: number;
  /** True when there are more than `events`. */
  readonly capped: boolean;
  /** How long ago the oldest event it has yet to handle was recorded, in milliseconds (0 when none). */
  readonly ms: number;
}

/** The most events a lag count goes up to. */
export const MAX_LAG_COUNT = 100_000;

/**
 * Measures the lag after `after`: the store counts, and its oldest event tells the age.
 *
 * @internal
 */
export async function measureLag(
  store: EventStore,
  after: Position | null,
  filter: FeedFilter,
): Promise<SubscriptionLag> {
  const from = after ?? undefined;
  const oldest = (
    await store.readAllPage({
      after: from,
      limit: 1,
      ...(filter.types === undefined ? {} : { types: filter.types }),
      ...(filter.categories === undefined ? {} : { categories: filter.categories }),
    })
  ).events[0];
  if (oldest === undefined) return { events: 0, capped: false, ms: 0 };
  const ms = Math.max(0, Date.now() - oldest.recordedAt.getTime());
  const events = await store.countEventsAfter(from, filter, MAX_LAG_COUNT + 1);
  return { events: Math.min(events, MAX_LAG_COUNT), capped: events > MAX_LAG_COUNT, ms };
}
