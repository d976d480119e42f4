/**
 * Reads part of one stream and its current version in one statement (one
 * snapshot): `$1` stream id, `$2` first version (forward: the lowest,
 * backward: the highest), `$3` limit (`NULL` for none). No row: the stream
 * does not exist; one row with a `NULL` event: it exists but the range is empty.
 * Columns: stream version, then the event columns of {@link EVENT_COLUMNS}.
 */
export function readStreamSql(s: string, backward: boolean): string {
  const [cmp, order] = backward ? ['<=', 'DESC'] : ['>=', 'ASC'];
  return `SELECT ${VISIBLE_VERSION}, e.*
FROM ${s}.streams st
LEFT JOIN LATERAL (
  SELECT ${EVENT_COLUMNS}
  FROM ${s}.events
  WHERE stream_id = st.stream_id AND version ${cmp} $2::bigint
    AND version >= ${visibleStartSql(s)}
  ORDER BY version ${order}
  LIMIT $3::bigint
) e ON true
WHERE st.stream_id = $1::text
ORDER BY e.version ${order}`;
}

/**
 * The first version reads return of the stream `st`: after its soft delete,
 * its truncation, its `max_count` last events, and its events recorded
 * `max_age` seconds before the statement's transaction began (with every
 * event up to the last such one: retention hides a prefix).
 */
export function visibleStartSql(s: string): string {
  return `greatest(coalesce(st.truncate_before, 1), coalesce(st.deleted_version, 0) + 1,
      coalesce(st.version - st.max_count + 1, 1),
      CASE WHEN st.max_age IS NULL THEN 1 ELSE coalesce((
        SELECT max(x.version) FROM ${s}.events x
        WHERE x.stream_id = st.stream_id AND x.recorded_at < now() - st.max_age * interval '1 second'
      ), 0) + 1 END)`;
}

/** A stream's visible version: -1 when tombstoned, 0 after a soft delete not written since. */
export const VISIBLE_VERSION =
  'CASE WHEN st.hard THEN -1 WHEN st.deleted_version >= st.version THEN 0 ELSE st.version END';

/**
 * The event columns every read selects, in the order the row mappers expect.
 * The transaction id and global position come as text (renamed, so `ORDER BY`
 * still sees the columns): positions are built from their decimal digits
 * whatever type parsers the application set on `pg` (a global int8 parser is common).
 */
export const EVENT_COLUMNS =
  'transaction_id::text AS xid, global_position::text AS pos, stream_id, version, event_id, type, data, metadata, recorded_at, tags, schema_version';

/** The same columns read from a subquery `u` that kept the raw columns (for a merged feed). */
export const EVENT_COLUMNS_OF_U =
  'u.transaction_id::text AS xid, u.global_position::text AS pos, u.stream_id, u.version, u.event_id, u.type, u.data, u.metadata, u.recorded_at, u.tags, u.schema_version';

/** The raw columns, for branches merged later. */
export const RAW_EVENT_COLUMNS =
  'transaction_id, global_position, stream_id, version, event_id, type, data, metadata, recorded_at, tags, schema_version';

/** `$1` stream id → `{ version }`, no row when the stream does not exist. */
export function getVersionSql(s: string): string {
  return `SELECT ${VISIBLE_VERSION} FROM ${s}.streams st WHERE stream_id = $1::text`;
}
