import { CHECKPOINTS_TABLE } from './tables.js';

/** A checkpoint row: name, position (NULL: the start), updated_at (ms). */
export type CheckpointRow = [name: string, position: string | null, updatedAt: number];

/** One checkpoint by name. */
export const SELECT_CHECKPOINT = `SELECT name, position, updated_at FROM ${CHECKPOINTS_TABLE} WHERE name = ?`;

/** Every checkpoint, by name. */
export const SELECT_CHECKPOINTS = `SELECT name, position, updated_at FROM ${CHECKPOINTS_TABLE} ORDER BY name`;

/** Sets a checkpoint: name, position, updated_at. */
export const UPSERT_CHECKPOINT = `INSERT INTO ${CHECKPOINTS_TABLE} (name, position, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`;

/** Deletes a checkpoint by name. */
export const DELETE_CHECKPOINT = `DELETE FROM ${CHECKPOINTS_TABLE} WHERE name = ?`;
