import { FEED_EVENT_COLUMNS } from './event-columns.js';
import { CATEGORY_INDEX, EVENTS_TABLE, TYPE_INDEX } from './tables.js';

/** The indexed column a filtered feed read walks. */
export type FeedFilterColumn = 'type' | 'category';

/** The most keys read as separate index walks merged in position order; longer lists walk the rowid. */
export const MAX_FEED_ARMS = 8;

/**
 * Parameters of a filtered feed read: `after`, `limit`, the keys of the walked
 * column as `k0`, `k1`, … (or `keys`, a JSON array, past {@link MAX_FEED_ARMS}),
 * and `filter`, a JSON array of values the other column must take.
 */
export type ReadAllFilteredParams = Record<string, string | number>;

/**
 * Builds a page query of the feed restricted to `keyCount` values of `column`
 * (each walked on its `(column, position)` index from `after`, at most `limit`
 * rows each, merged by position), optionally also restricted on the other column.
 * The index is named: walking it costs at most about twice a rowid scan when
 * the key is common, and saves the scan of every other event when it is rare,
 * which statistics from `ANALYZE` on a young database may not foresee.
 *
 * Past {@link MAX_FEED_ARMS} keys, the page walks the rowid from `after` and
 * filters, stopping at `limit` matches: reading a whole filtered feed page by
 * page then scans the table once, where one `IN` on the index would sort every
 * remaining match on every page.
 */
export function readAllFilteredSql(
  column: FeedFilterColumn,
  keyCount: number,
  filtered: boolean,
): string {
  const other: FeedFilterColumn = column === 'type' ? 'category' : 'type';
  const filter = filtered ? ` AND ${other} IN (SELECT value FROM json_each(@filter))` : '';
  const index = column === 'type' ? TYPE_INDEX : CATEGORY_INDEX;
  const arm = (key: string) =>
    `SELECT ${FEED_EVENT_COLUMNS} FROM ${EVENTS_TABLE} INDEXED BY ${index} WHERE ${column} ${key} AND position > @after${filter} ORDER BY position LIMIT @limit`;
  if (keyCount === 1) return arm('= @k0');
  if (keyCount > MAX_FEED_ARMS) {
    return `SELECT ${FEED_EVENT_COLUMNS} FROM ${EVENTS_TABLE} NOT INDEXED WHERE position > @after AND ${column} IN (SELECT value FROM json_each(@keys))${filter} ORDER BY position LIMIT @limit`;
  }
  const arms = Array.from({ length: keyCount }, (_, i) => `SELECT * FROM (${arm(`= @k${i}`)})`);
  return `${arms.join(' UNION ALL ')} ORDER BY position LIMIT @limit`;
}
