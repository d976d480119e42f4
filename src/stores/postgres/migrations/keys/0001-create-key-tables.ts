import type { Migration } from '../migration.js';

/**
 * The key tables of crypto-shredding: one data key (raw or wrapped bytes)
 * per subject, and the streams holding each subject's personal data.
 */
export const createKeyTables: Migration = {
  version: 1,
  name: 'create key tables',
  sql: (s) => `
CREATE TABLE IF NOT EXISTS ${s}.personal_keys (
  subject text PRIMARY KEY,
  key bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.personal_streams (
  subject text NOT NULL,
  stream_id text NOT NULL,
  PRIMARY KEY (subject, stream_id)
)
`,
};
