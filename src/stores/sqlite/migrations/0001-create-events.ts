import { EVENT_ID_INDEX, EVENTS_TABLE, STREAM_VERSION_INDEX } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * The events table. `position` is the rowid: with one writer at a time, rowid
 * order is commit order, so the global feed has no gaps to wait for. Versions
 * are unique per stream and event ids store-wide; `recorded_at` is in
 * milliseconds since the Unix epoch.
 */
export const createEvents: Migration = {
  version: 1,
  name: 'create-events',
  sql: `
    CREATE TABLE ${EVENTS_TABLE} (
      position    INTEGER PRIMARY KEY,
      stream_id   TEXT    NOT NULL,
      version     INTEGER NOT NULL,
      event_id    TEXT    NOT NULL,
      type        TEXT    NOT NULL,
      category    TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT,
      recorded_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX ${STREAM_VERSION_INDEX} ON ${EVENTS_TABLE} (stream_id, version);
    CREATE UNIQUE INDEX ${EVENT_ID_INDEX} ON ${EVENTS_TABLE} (event_id);
  `,
};
