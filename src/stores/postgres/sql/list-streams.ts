/**
 * The streams whose ids sort after `$1` (code point order: `COLLATE "C"`), at
 * most `$2`, each with its version and when its last event was recorded; with
 * `category`, only those whose events are in category `$3`. Reads the
 * `streams` table (committed streams only) and one event row per stream.
 */
export function listStreamsSql(s: string, category: boolean): string {
  return `SELECT st.stream_id, st.version::text, e.recorded_at
  FROM ${s}.streams st
  JOIN ${s}.events e ON e.stream_id = st.stream_id AND e.version = st.version
  WHERE st.stream_id COLLATE "C" > $1 AND NOT st.hard AND st.version > coalesce(st.deleted_version, 0)${category ? ' AND e.category = $3' : ''}
  ORDER BY st.stream_id COLLATE "C"
  LIMIT $2`;
}
