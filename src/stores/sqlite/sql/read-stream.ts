import { STREAM_EVENT_COLUMNS } from './event-columns.js';
import { EVENTS_TABLE } from './tables.js';

/**
 * A whole stream, oldest first: the common read (loading an aggregate),
 * without the version bound and limit of `READ_STREAM_FORWARD`, which
 * cost a comparison per row.
 */
export const READ_STREAM = `SELECT ${STREAM_EVENT_COLUMNS} FROM ${EVENTS_TABLE}
  WHERE stream_id = ? ORDER BY version`;
