import { EVENT_ID_INDEX, EVENTS_TABLE } from './tables.js';

/** A stored event's place, found by id. */
export interface StoredIdRow {
  readonly event_id: string;
  readonly stream_id: string;
  readonly version: number;
  readonly position: number;
}

/**
 * Where the given event ids are stored, if anywhere; the single parameter is a
 * JSON array of ids, so one cached statement serves any number of them. The
 * index is named so that the planner never prefers a scan (it cannot tell how
 * many ids the array holds).
 */
export const SELECT_EVENTS_BY_ID = `SELECT event_id, stream_id, version, position
  FROM ${EVENTS_TABLE} INDEXED BY ${EVENT_ID_INDEX}
  WHERE event_id IN (SELECT value FROM json_each(?))`;
