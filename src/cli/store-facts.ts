import type { EventStore } from '../core/event-store.js';
import type { FeedHealth } from '../stores/postgres/feed-health.js';

/** How many streams the store holds (a page of 10,000 at a time). */
export async function countStreams(store: EventStore): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.listStreams({ after, limit: 10_000 });
    count += page.streams.length;
    if (page.next === undefined) return count;
    after = page.next;
  }
}

/** PostgreSQL's feed health; `null` where commits are visible at once. */
export async function feedHealth(store: EventStore): Promise<FeedHealth | null> {
  if (!store.capabilities.delayedVisibility) return null;
  const { PostgresEventStore } = await import('../stores/postgres/postgres-event-store.js');
  if (!(store instanceof PostgresEventStore)) return null;
  return store.getFeedHealth();
}

/**
 * After a bulk write (`import`, `copy`) into PostgreSQL: refreshes the planner's statistics of
 * the events table (`ANALYZE`), so the feed is read through its index at once rather than after
 * autovacuum's next pass (until then, a projection rebuild over a million imported events can
 * take fifteen times longer). True when it ran; other backends need nothing.
 */
export async function refreshStatistics(store: EventStore): Promise<boolean> {
  if (!store.capabilities.delayedVisibility) return false;
  const { PostgresEventStore } = await import('../stores/postgres/postgres-event-store.js');
  if (!(store instanceof PostgresEventStore)) return false;
  await store.pool.query(`ANALYZE ${store.quotedSchema}.events`);
  return true;
}
