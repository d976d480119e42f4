import type { Migration } from '../migration.js';

/**
 * The snapshot table: the stream id as key, the stream version the state
 * reflects, the state's schema version, the state as JSON text (not `jsonb`:
 * it is read back exactly as written) and when it was saved.
 */
export const createSnapshots: Migration = {
  version: 1,
  name: 'create snapshots',
  sql: (s) => `
CREATE TABLE IF NOT EXISTS ${s}.snapshots (
  stream_id text PRIMARY KEY,
  version bigint NOT NULL CHECK (version > 0),
  schema_version bigint NOT NULL CHECK (schema_version >= 0),
  state text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
)
`,
};
