/** The document projection of the kill-during-flush tests, and the documents it must end with. */
import type { RecordedEvent } from '../../../src/index.js';
import {
  defineDocumentProjection,
  documentCollection,
  type DocumentProjection,
} from '../../../src/subscriptions/index.js';

/** Per stream: how many of its events were applied, and the last version. */
export interface StreamCount {
  events: number;
  version: number;
}

/** The collections of projection `name`: a counter per stream, a document per event. */
export function flushCollections(name: string) {
  return {
    counts: documentCollection<StreamCount>()(`${name}_counts`),
    seen: documentCollection<{ at: string }>()(`${name}_seen`),
  };
}

/**
 * Counts each stream's events in a document per stream (a duplicate would
 * count twice, a gap would leave a version behind) and inserts a document
 * per event (an insert of an id already there fails): every event once.
 */
export function flushProjection(name: string): DocumentProjection {
  const collections = flushCollections(name);
  return defineDocumentProjection<{ type: 'Counted'; data: { n: number } }>()({
    name,
    collections,
    handlers: {
      Counted: async (e, { counts, seen }) => {
        const count = await counts.get(e.streamId);
        if ((count?.version ?? 0) !== e.version - 1) {
          throw new Error(`${e.streamId}: event ${e.version} after ${count?.version ?? 'none'}`);
        }
        await counts.upsert(e.streamId, { events: (count?.events ?? 0) + 1, version: e.version });
        await seen.insert(e.id, { at: e.position });
      },
    },
  });
}

/** The counters the feed's events must give. */
export function expectedCounts(feed: readonly RecordedEvent[]): Map<string, StreamCount> {
  const counts = new Map<string, StreamCount>();
  for (const e of feed) {
    counts.set(e.streamId, {
      events: (counts.get(e.streamId)?.events ?? 0) + 1,
      version: e.version,
    });
  }
  return counts;
}
