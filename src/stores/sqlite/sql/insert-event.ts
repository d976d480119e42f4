import { EVENTS_TABLE } from './tables.js';

/** Parameters of {@link INSERT_EVENT}. */
export type InsertEventParams = [
  streamId: string,
  version: number,
  eventId: string,
  type: string,
  category: string,
  data: string,
  metadata: string | null,
  recordedAt: number,
  tags: string | null,
  schemaVersion: number | null,
];

/**
 * Inserts one event (`tags`: a JSON array, or NULL when none; `schema_version`:
 * NULL for version 1); its global position is the new rowid.
 */
export const INSERT_EVENT = `INSERT INTO ${EVENTS_TABLE}
  (stream_id, version, event_id, type, category, data, metadata, recorded_at, tags, schema_version)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
