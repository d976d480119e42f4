/**
 * The document-projection rows of bench/subscriptions.ts: a projection that
 * keeps one document per stream (a counter of its events), read and written
 * through a document collection, so that each batch's changes are flushed
 * set-based with the checkpoint; and the timing of a rebuild.
 */
import {
  defineDocumentProjection,
  documentCollection,
  startProjection,
  type AnySubscriptionStorage,
  type DocumentProjection,
  type Subscription,
} from '../../src/subscriptions/index.js';
import type { EventStore, Position } from '../../src/index.js';

/** A document projection counting each stream's `TaskUpdated` events in collection `counters_<name>`. */
export function counterProjection(name: string, onEvent: (id: string) => void): DocumentProjection {
  const counters = documentCollection<{ events: number }>()(`counters_${name}`);
  return defineDocumentProjection<{ type: 'TaskUpdated'; data: unknown }>()({
    name,
    collections: { counters },
    handlers: {
      TaskUpdated: async (e, { counters }) => {
        const doc = await counters.get(e.streamId);
        await counters.upsert(e.streamId, { events: (doc?.events ?? 0) + 1 });
        onEvent(e.id);
      },
    },
  });
}

/** Starts a document projection on `storage`. */
export function startDocuments(
  store: EventStore,
  storage: AnySubscriptionStorage,
  projection: DocumentProjection,
): Subscription {
  return startProjection(store, projection, { storage });
}

/** How long a rebuild of the document projection took. */
export interface RebuildTiming {
  readonly events: number;
  readonly seconds: number;
}

/**
 * Builds a document projection over the feed up to `last`, then times its
 * rebuild: the reset (deleting its documents) and the catch-up again.
 */
export async function timeRebuild(
  store: EventStore,
  storage: AnySubscriptionStorage,
  last: Position,
  events: number,
): Promise<RebuildTiming> {
  const running = startDocuments(
    store,
    storage,
    counterProjection('rebuilt', () => undefined),
  );
  try {
    await running.waitForPosition(last);
    await running.caughtUp;
    const start = process.hrtime.bigint();
    await running.rebuild();
    await running.caughtUp;
    return { events, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
  } finally {
    await running.stop();
  }
}
