import { SNAPSHOTS_TABLE } from '../../sql/tables.js';
import type { Migration } from '../migration.js';

/**
 * The snapshot table: the stream id as key, the stream version the state
 * reflects, the state's schema version, the state as JSON text and when it
 * was saved (milliseconds since the Unix epoch).
 */
export const createSnapshots: Migration = {
  version: 1,
  name: 'create-snapshots',
  sql: `CREATE TABLE IF NOT EXISTS ${SNAPSHOTS_TABLE} (
  stream_id      TEXT    NOT NULL PRIMARY KEY,
  version        INTEGER NOT NULL,
  schema_version INTEGER NOT NULL,
  state          TEXT    NOT NULL,
  created_at     INTEGER NOT NULL
)`,
};
