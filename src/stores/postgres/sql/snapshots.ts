/**
 * The SQL of a schema's snapshot table (given the quoted schema): created and
 * versioned by `PostgresSnapshotStore` itself, apart from the event store's
 * migrations.
 */
export interface SnapshotsSql {
  /** → `{ exists }`: whether the snapshot table's version table exists. */
  readonly versionTableExists: string;
  /** → `{ version }`: the snapshot table's schema version (no row: none recorded). */
  readonly version: string;
  /** Takes the session advisory lock `($1 class, hashtext($2 schema))` (the event store's migration lock). */
  readonly lock: string;
  /** Releases it. */
  readonly unlock: string;
  readonly createSchema: string;
  /** The one-row table recording the snapshot table's schema version. */
  readonly createVersionTable: string;
  /** `$1` version: records the snapshot table's schema version. */
  readonly recordVersion: string;
  /** The steps of the snapshot table's schema, version 1 first. Append new ones; never edit a released one. */
  readonly steps: readonly string[];
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
    versionTableExists: `SELECT to_regclass('${s}.snapshots_schema') IS NOT NULL AS "exists"`,
    version: `SELECT version FROM ${s}.snapshots_schema WHERE id = 1`,
    lock: 'SELECT pg_advisory_lock($1::int, hashtext($2::text))',
    unlock: 'SELECT pg_advisory_unlock($1::int, hashtext($2::text))',
    createSchema: `CREATE SCHEMA IF NOT EXISTS ${s}`,
    createVersionTable: `CREATE TABLE IF NOT EXISTS ${s}.snapshots_schema (
      id integer PRIMARY KEY CHECK (id = 1),
      version integer NOT NULL
    )`,
    recordVersion: `INSERT INTO ${s}.snapshots_schema (id, version) VALUES (1, $1)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
    steps: [
      // Version 1. The state is JSON text (not jsonb), read back exactly as written.
      `CREATE TABLE IF NOT EXISTS ${s}.snapshots (
        stream_id text PRIMARY KEY,
        version bigint NOT NULL CHECK (version > 0),
        schema_version bigint NOT NULL CHECK (schema_version >= 0),
        state text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
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
