import { EVENTS_TABLE } from './tables.js';

/** The position of the feed's last event, or null when it is empty. */
export const SELECT_HEAD = `SELECT max(position) FROM ${EVENTS_TABLE}`;
