import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { FeedFilter, SubscriptionStorage } from '../core/contracts/subscription-storage.js';

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

/** Measures the lag after `after` (internal). */
export async function measureLag(
  store: EventStore,
  storage: SubscriptionStorage<unknown>,
  after: Position | null,
  filter: FeedFilter,
): Promise<SubscriptionLag> {
  const from = after ?? undefined;
  const options = {
    after: from,
    ...(filter.types === undefined ? {} : { types: filter.types }),
    ...(filter.categories === undefined ? {} : { categories: filter.categories }),
  };
  const oldest = (await store.readAllPage({ ...options, limit: 1 })).events[0];
  if (oldest === undefined) return { events: 0, capped: false, ms: 0 };
  const ms = Math.max(0, Date.now() - oldest.recordedAt.getTime());
  let events: number;
  if (storage.countEventsAfter !== undefined) {
    events = await storage.countEventsAfter(from, filter, MAX_LAG_COUNT + 1);
  } else {
    events = 0;
    let cursor = from;
    for (;;) {
      const page = await store.readAllPage({ ...options, after: cursor, limit: 1_000 });
      events += page.events.length;
      cursor = page.next;
      if (page.isEnd || events > MAX_LAG_COUNT) break;
    }
  }
  return { events: Math.min(events, MAX_LAG_COUNT), capped: events > MAX_LAG_COUNT, ms };
}

/** The position of the last event of the feed, or `undefined` for an empty feed (internal). */
export async function headOf(
  store: EventStore,
  storage: SubscriptionStorage<unknown>,
): Promise<Position | undefined> {
  if (storage.headPosition !== undefined) return storage.headPosition();
  let after: Position | undefined;
  for (;;) {
    const page = await store.readAllPage({ after, limit: 1_000 });
    after = page.next;
    if (page.isEnd) return after;
  }
}
