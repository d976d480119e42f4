import { STREAM_STATES_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * Stream metadata: beside each stream's deletion state, the metadata last
 * set (`metadata`, JSON; NULL when never set), how many times it was set
 * (`metadata_version`) and its retention rules as columns (`max_age` in
 * seconds, `max_count`), read with the state by every stream read. Existing
 * rows get no metadata.
 */
export const streamMetadata: Migration = {
  version: 7,
  name: 'stream-metadata',
  sql: `
    ALTER TABLE ${STREAM_STATES_TABLE} ADD COLUMN metadata TEXT;
    ALTER TABLE ${STREAM_STATES_TABLE} ADD COLUMN metadata_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE ${STREAM_STATES_TABLE} ADD COLUMN max_age INTEGER;
    ALTER TABLE ${STREAM_STATES_TABLE} ADD COLUMN max_count INTEGER;
  `,
};
