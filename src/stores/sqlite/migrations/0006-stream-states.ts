import { STREAM_STATES_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * Deleted and truncated streams: one row per stream ever deleted or
 * truncated, with the last version at its latest soft delete
 * (`deleted_version`, hidden from then on), the first version reads return
 * (`truncate_before`) and its tombstone (`hard` = 1 after a hard delete,
 * checked by every append in its transaction). Streams never deleted or
 * truncated have no row, so appends and reads of them cost one index probe.
 */
export const streamStates: Migration = {
  version: 6,
  name: 'stream-states',
  sql: `
    CREATE TABLE ${STREAM_STATES_TABLE} (
      stream_id       TEXT    PRIMARY KEY,
      deleted_version INTEGER,
      truncate_before INTEGER,
      hard            INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
  `,
};
