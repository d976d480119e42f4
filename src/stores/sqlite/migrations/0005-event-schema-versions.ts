import { EVENTS_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * Event versions: `eventfold_events.schema_version`, the version of its
 * definition each event's data was appended at. NULL means version 1, so
 * existing events and events of unversioned definitions cost nothing; reads
 * through a registry upcast older versions (stored bytes are never rewritten).
 */
export const eventSchemaVersions: Migration = {
  version: 5,
  name: 'event-schema-versions',
  sql: `
    ALTER TABLE ${EVENTS_TABLE} ADD COLUMN schema_version INTEGER;
  `,
};
