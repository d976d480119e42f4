import type BetterSqlite3 from 'better-sqlite3';
import type { StreamSummary } from '../../core/event-store.js';
import type { NormalizedListStreamsOptions } from '../../core/list-streams.js';
import { EVENTS_TABLE, STREAM_STATES_TABLE } from './sql/tables.js';

/**
 * The streams after `$after` by id, each with its last version and when that
 * event was recorded (SQLite takes a bare column of an aggregate query from
 * the row holding the `max()`). Walks the `(stream_id, version)` index; with
 * a category, the category index. `TEXT` compares by bytes: code point order.
 * Leaves out tombstoned streams and soft-deleted ones not written since.
 */
const listing = (where: string): string => `SELECT stream_id, v, recorded_at FROM (
    SELECT stream_id, max(version) AS v, recorded_at FROM ${EVENTS_TABLE}
    WHERE ${where} GROUP BY stream_id
  ) l
  WHERE NOT EXISTS (SELECT 1 FROM ${STREAM_STATES_TABLE} s
    WHERE s.stream_id = l.stream_id AND (s.hard <> 0 OR s.deleted_version >= l.v))
  ORDER BY stream_id LIMIT $limit`;
const LIST_STREAMS = listing('stream_id > $after');
const LIST_CATEGORY_STREAMS = listing('category = $category AND stream_id > $after');

type ListRow = [streamId: string, version: number, recordedAt: number];
type ListParams = { after: string; limit: number; category?: string };

/** The prepared listing statements of each connection. */
const prepared = new WeakMap<
  BetterSqlite3.Database,
  {
    all: BetterSqlite3.Statement<[ListParams], ListRow>;
    byCategory: BetterSqlite3.Statement<[ListParams], ListRow>;
  }
>();

/** Lists the streams of a SQLite store's database (see `EventStoreDriver.listStreams`). */
export function listSqliteStreams(
  db: BetterSqlite3.Database,
  query: NormalizedListStreamsOptions,
): StreamSummary[] {
  let statements = prepared.get(db);
  if (statements === undefined) {
    const prepare = (sql: string) =>
      db.prepare<[ListParams], ListRow>(sql).raw(true).safeIntegers(false);
    statements = { all: prepare(LIST_STREAMS), byCategory: prepare(LIST_CATEGORY_STREAMS) };
    prepared.set(db, statements);
  }
  // Stream ids are never empty, so '' comes before every one of them.
  const params: ListParams = { after: query.after ?? '', limit: query.limit };
  const rows =
    query.category === undefined
      ? statements.all.all(params)
      : statements.byCategory.all({ ...params, category: query.category });
  return rows.map(([streamId, version, recordedAt]) => ({
    streamId,
    version,
    lastWrite: new Date(recordedAt),
  }));
}
