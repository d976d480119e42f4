import type { Migration } from './migration.js';

/**
 * Stream metadata: on `streams`, the metadata last set (`metadata`, JSON
 * text; NULL when never set), how many times it was set
 * (`metadata_version`) and its retention rules as columns (`max_age` in
 * seconds, `max_count`), read by every stream read. A stream given metadata
 * before any event has a row at version 0, as a truncated one does.
 * `commit_events` is unchanged: retention only hides events from reads.
 */
export const streamMetadataMigration: Migration = {
  version: 6,
  name: 'stream metadata',
  sql: (s) => `
ALTER TABLE ${s}.streams
  ADD COLUMN metadata text,
  ADD COLUMN metadata_version bigint NOT NULL DEFAULT 0,
  ADD COLUMN max_age bigint,
  ADD COLUMN max_count bigint;
`,
};
