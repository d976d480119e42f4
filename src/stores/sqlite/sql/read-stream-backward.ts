import { STREAM_EVENT_COLUMNS } from './event-columns.js';
import { EVENTS_TABLE } from './tables.js';

/** Parameters: stream id, first version (inclusive, the newest to return), limit (-1 for none). */
export type ReadStreamBackwardParams = [streamId: string, from: number, limit: number];

/** A stream's events from a version down, newest first. */
export const READ_STREAM_BACKWARD = `SELECT ${STREAM_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
  WHERE stream_id = ? AND version <= ? ORDER BY version DESC LIMIT ?`;
