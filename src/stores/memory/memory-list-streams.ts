import type { StreamSummary } from '../../core/event-store.js';
import { compareCodePoints, type NormalizedListStreamsOptions } from '../../core/list-streams.js';
import { categoryOf } from '../../core/stream-id.js';

/** What the listing needs of a stored event: its version and when it was recorded. */
interface ListedRow {
  readonly version: number;
  readonly recordedAt: Date;
}

/**
 * The streams of `streams` (id → its events in version order) that `query`
 * selects, sorted by id in code point order. Sorts every matching id: the
 * in-memory store is for tests and small data. `listed` leaves out the
 * streams it refuses (deleted ones).
 */
export function listMemoryStreams(
  streams: ReadonlyMap<string, readonly ListedRow[]>,
  query: NormalizedListStreamsOptions,
  listed: (streamId: string) => boolean = () => true,
): StreamSummary[] {
  const { category, after, limit } = query;
  const ids: string[] = [];
  for (const [streamId, rows] of streams) {
    if (rows.length === 0) continue;
    if (category !== undefined && categoryOf(streamId) !== category) continue;
    if (after !== undefined && compareCodePoints(streamId, after) <= 0) continue;
    if (!listed(streamId)) continue;
    ids.push(streamId);
  }
  ids.sort(compareCodePoints);
  return ids.slice(0, limit).map((streamId) => {
    const last = streams.get(streamId)?.at(-1) as ListedRow;
    return { streamId, version: last.version, lastWrite: new Date(last.recordedAt.getTime()) };
  });
}
