import { EVENTS_TABLE } from './tables.js';

/**
 * A stream's current version: the largest version stored (NULL when the stream
 * has no events). A search of the (stream_id, version) index, no table access.
 */
export const SELECT_STREAM_VERSION = `SELECT max(version) FROM ${EVENTS_TABLE} WHERE stream_id = ?`;
