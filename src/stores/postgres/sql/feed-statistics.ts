/** Events below this are visible to feed readers: older than every transaction still running. */
const HORIZON = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

/** The last visible event's position parts, as text (`xid`, `pos`). */
export function headSql(s: string): string {
  return `SELECT transaction_id::text AS xid, global_position::text AS pos FROM ${s}.events
  WHERE ${HORIZON} ORDER BY transaction_id DESC, global_position DESC LIMIT 1`;
}

/**
 * Counts visible events after (`$1`, `$2`), up to `$3`; with `types`, `$4`
 * is their array; with `categories`, the next parameter.
 */
export function countEventsSql(s: string, types: boolean, categories: boolean): string {
  const where = [HORIZON, '(transaction_id, global_position) > ($1::xid8, $2::bigint)'];
  if (types) where.push('type = ANY ($4::text[])');
  if (categories) where.push(`category = ANY ($${types ? 5 : 4}::text[])`);
  return `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${s}.events WHERE ${where.join(' AND ')} LIMIT $3) c`;
}

/**
 * Whether committed events after (`$1`, `$2`) are still held back above the
 * horizon; with `types`, `$3` is their array; with `categories`, the next parameter.
 */
export function pendingEventsSql(s: string, types: boolean, categories: boolean): string {
  const where = [
    'transaction_id >= pg_snapshot_xmin(pg_current_snapshot())',
    '(transaction_id, global_position) > ($1::xid8, $2::bigint)',
  ];
  if (types) where.push('type = ANY ($3::text[])');
  if (categories) where.push(`category = ANY ($${types ? 4 : 3}::text[])`);
  return `SELECT EXISTS (SELECT 1 FROM ${s}.events WHERE ${where.join(' AND ')}) AS pending`;
}
