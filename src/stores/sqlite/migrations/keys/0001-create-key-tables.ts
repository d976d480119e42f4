import { PERSONAL_KEYS_TABLE, PERSONAL_STREAMS_TABLE } from '../../sql/tables.js';
import type { Migration } from '../migration.js';

/**
 * The key tables of crypto-shredding: one data key (raw or wrapped bytes)
 * per subject, and the streams holding each subject's personal data.
 */
export const createKeyTables: Migration = {
  version: 1,
  name: 'create-key-tables',
  sql: `CREATE TABLE IF NOT EXISTS ${PERSONAL_KEYS_TABLE} (
  subject    TEXT    NOT NULL PRIMARY KEY,
  key        BLOB    NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ${PERSONAL_STREAMS_TABLE} (
  subject   TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  PRIMARY KEY (subject, stream_id)
) WITHOUT ROWID`,
};
