import type { Migration } from '../migration.js';

/**
 * The document table: one row per collection and id (compared by code point:
 * `COLLATE "C"`), the document as `jsonb`. The indexes of declared fields are
 * expression indexes the storage creates per collection (`ensureIndexes`).
 */
export const createDocuments: Migration = {
  version: 1,
  name: 'create documents',
  sql: (s) => `
CREATE TABLE IF NOT EXISTS ${s}.documents (
  collection text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  doc jsonb NOT NULL,
  PRIMARY KEY (collection, id)
)
`,
};
