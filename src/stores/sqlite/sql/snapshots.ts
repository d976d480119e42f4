/** The table holding one snapshot per stream (created by `SqliteSnapshotStore`, not by the event store's migrations). */
export const SNAPSHOTS_TABLE = 'eventfold_snapshots';
/** The one-row table recording the version of the snapshot table's own schema. */
export const SNAPSHOTS_SCHEMA_TABLE = 'eventfold_snapshots_schema';

/** Whether the snapshot schema table exists (1 or no row). */
export const SELECT_SNAPSHOTS_SCHEMA_EXISTS = `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${SNAPSHOTS_SCHEMA_TABLE}'`;

/** Creates the snapshot schema table if needed: at most one row (`id = 1`). */
export const CREATE_SNAPSHOTS_SCHEMA_TABLE = `CREATE TABLE IF NOT EXISTS ${SNAPSHOTS_SCHEMA_TABLE} (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
)`;

/** The snapshot table's schema version (no row: none yet). */
export const SELECT_SNAPSHOTS_SCHEMA_VERSION = `SELECT version FROM ${SNAPSHOTS_SCHEMA_TABLE} WHERE id = 1`;

/** Records the snapshot table's schema version: `?` version. */
export const UPSERT_SNAPSHOTS_SCHEMA_VERSION = `INSERT INTO ${SNAPSHOTS_SCHEMA_TABLE} (id, version) VALUES (1, ?)
  ON CONFLICT (id) DO UPDATE SET version = excluded.version`;

/**
 * Version 1 of the snapshot table: the stream id as key, the stream version the
 * state reflects, the state's schema version, the state as JSON text and when
 * it was saved (milliseconds since the Unix epoch).
 */
export const CREATE_SNAPSHOTS_TABLE = `CREATE TABLE IF NOT EXISTS ${SNAPSHOTS_TABLE} (
  stream_id      TEXT    NOT NULL PRIMARY KEY,
  version        INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  state          TEXT    NOT NULL,
  created_at     INTEGER NOT NULL
)`;

/** A stream's snapshot as a raw row: version, schema version, state, created at. */
export type SnapshotRow = [
  version: number,
  schemaVersion: number,
  state: string,
  createdAt: number,
];

/** `?` stream id → its snapshot, as a {@link SnapshotRow}. */
export const SELECT_SNAPSHOT = `SELECT version, schema_version, state, created_at FROM ${SNAPSHOTS_TABLE} WHERE stream_id = ?`;

/** Parameters of {@link UPSERT_SNAPSHOT}. */
export type UpsertSnapshotParams = [
  streamId: string,
  version: number,
  schemaVersion: number,
  state: string,
  createdAt: number,
];

/**
 * Saves a snapshot in one statement, with the rule of `shouldReplaceSnapshot`:
 * a stored snapshot is replaced unless it has the same schema version and a
 * higher version. One row changed: written; none: the stored one was kept.
 */
export const UPSERT_SNAPSHOT = `INSERT INTO ${SNAPSHOTS_TABLE} (stream_id, version, schema_version, state, created_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (stream_id) DO UPDATE SET
    version = excluded.version,
    schema_version = excluded.schema_version,
    state = excluded.state,
    created_at = excluded.created_at
  WHERE ${SNAPSHOTS_TABLE}.version <= excluded.version
     OR ${SNAPSHOTS_TABLE}.schema_version <> excluded.schema_version`;

/** `?` stream id: deletes its snapshot (one row changed: there was one). */
export const DELETE_SNAPSHOT = `DELETE FROM ${SNAPSHOTS_TABLE} WHERE stream_id = ?`;
