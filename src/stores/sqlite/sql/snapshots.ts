import { SNAPSHOTS_TABLE } from './tables.js';

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
