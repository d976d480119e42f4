/** Events below this are visible to feed readers: older than every transaction still running. */
const HORIZON = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/**
 * The statement's snapshot (`xmin:xmax:xip,…`) and the last visible event's
 * position parts (`xid`, `pos`, null when none), read in one statement, so
 * under one snapshot: where a subscription's "only new events" begins.
 */
export function feedEndSql(s: string): string {
  return `SELECT snap.snapshot, head.xid, head.pos
  FROM (SELECT pg_current_snapshot()::text AS snapshot) snap
  LEFT JOIN LATERAL (
    SELECT transaction_id::text AS xid, global_position::text AS pos FROM ${s}.events
    WHERE ${HORIZON} ORDER BY transaction_id DESC, global_position DESC LIMIT 1
  ) head ON true`;
}
