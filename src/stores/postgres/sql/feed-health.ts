/**
 * The feed's horizon (`pg_snapshot_xmin` of a fresh snapshot), the oldest
 * running or prepared transaction that holds an xid (cluster-wide: any such
 * transaction holds the horizon back) and how many committed events of this
 * schema wait behind the horizon (counted up to 10,001).
 */
export function feedHealthSql(s: string): string {
  return `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
holders AS (
  SELECT pid, backend_xid AS xid, xact_start AS since, datname::text AS database,
         application_name::text AS application, state::text AS state
  FROM pg_stat_activity
  WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
  UNION ALL
  SELECT NULL, transaction, prepared, database::text, 'prepared transaction ' || gid, 'prepared'
  FROM pg_prepared_xacts
),
oldest AS (SELECT * FROM holders ORDER BY age(xid) DESC LIMIT 1)
SELECT h.xmin::text AS horizon,
       o.pid, o.xid::text AS xid, o.database, o.application, o.state,
       greatest(0, extract(epoch FROM clock_timestamp() - o.since) * 1000)::float8 AS age_ms,
       (SELECT count(*) FROM (
          SELECT 1 FROM ${s}.events WHERE transaction_id >= h.xmin LIMIT 10001
        ) w)::int AS withheld
FROM horizon h LEFT JOIN oldest o ON true`;
}
