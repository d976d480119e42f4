import { compareCodePoints } from '../../core/list-streams.js';
import { scavengeBelow } from '../../core/stream-deletion.js';
import type { MemoryFeedIndex } from './memory-feed-index.js';
import type { Row } from './memory-driver.js';
import type { MemoryStreamState, MemoryVisibility } from './memory-stream-state.js';

/** The in-memory store's structures a scavenge removes events from. */
export interface MemoryScavengeTarget {
  /** Every event by global sequence number − 1 (a hole where one was removed). */
  readonly rows: (Row | undefined)[];
  readonly ids: Map<string, Row>;
  /** The feed indexes: by type, by category, by tag. */
  readonly indexes: readonly [MemoryFeedIndex, MemoryFeedIndex, MemoryFeedIndex];
}

/**
 * Removes up to `limit` of the first events of one stream (`streamRows`,
 * oldest first) that `scavengeBelow` gives, from every structure, and
 * records them in `state.removed`. Keeps the feed's last event (as SQLite
 * must, so that its position is never handed out again). Returns how many
 * it removed.
 */
export function scavengeMemoryStream(
  target: MemoryScavengeTarget,
  streamRows: Row[],
  state: MemoryStreamState,
  visible: MemoryVisibility,
  limit: number,
): number {
  const below = scavengeBelow(visible.last, state.deletedVersion, state.hard, visible.start);
  const head = target.rows.length;
  const [byType, byCategory, byTag] = target.indexes;
  let count = 0;
  while (count < limit && count < streamRows.length) {
    const row = streamRows[count] as Row;
    if (row.version >= below || row.seq === head) break;
    target.rows[row.seq - 1] = undefined;
    target.ids.delete(row.id);
    byType.remove(row.type, row.seq);
    byCategory.remove(row.category, row.seq);
    for (const tag of row.tags) byTag.remove(tag, row.seq);
    count++;
  }
  streamRows.splice(0, count);
  state.removed += count;
  return count;
}

/** Up to `limit` of `ids` that sort after `after` (code point order), sorted. */
export function sortedIdsAfter(
  ids: Iterable<string>,
  after: string | undefined,
  limit: number,
): string[] {
  const list = [...ids].filter((id) => after === undefined || compareCodePoints(id, after) > 0);
  return list.sort(compareCodePoints).slice(0, limit);
}

/** Up to `limit` rows after sequence number `afterSeq`, skipping the holes a scavenge left. */
export function liveRows(
  rows: readonly (Row | undefined)[],
  afterSeq: number,
  limit: number,
): Row[] {
  const page: Row[] = [];
  for (let i = afterSeq; i < rows.length && page.length < limit; i++) {
    const row = rows[i];
    if (row !== undefined) page.push(row);
  }
  return page;
}
