/**
 * The statements of a schema's snapshot table (given the quoted schema); the
 * table itself is the migration set `SNAPSHOT_MIGRATIONS`.
 */
export interface SnapshotsSql {
  /** `$1` stream id → `{ version, schema_version, state, created_ms }`. */
  readonly load: string;
  /** `$1` stream id, `$2` version, `$3` schema version, `$4` state: one row affected when written. */
  readonly save: string;
  /** `$1` stream id: one row affected when there was a snapshot. */
  readonly delete: string;
}

/** SQL of the snapshot store for one schema. */
export function snapshotsSql(s: string): SnapshotsSql {
  return {
    load: `SELECT version::float8 AS version, schema_version::float8 AS schema_version, state,
      (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
      FROM ${s}.snapshots WHERE stream_id = $1::text`,
    save: `INSERT INTO ${s}.snapshots AS t (stream_id, version, schema_version, state, created_at)
      VALUES ($1::text, $2::bigint, $3::bigint, $4::text, clock_timestamp())
      ON CONFLICT (stream_id) DO UPDATE SET
        version = excluded.version,
        schema_version = excluded.schema_version,
        state = excluded.state,
        created_at = excluded.created_at
      WHERE t.version <= excluded.version OR t.schema_version <> excluded.schema_version`,
    delete: `DELETE FROM ${s}.snapshots WHERE stream_id = $1::text`,
  };
}
