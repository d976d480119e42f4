import { DOCUMENTS_TABLE } from '../../sql/tables.js';
import type { Migration } from '../migration.js';

/**
 * The document table: one row per collection and id, the document as JSON
 * text. The indexes of declared fields are expression indexes the storage
 * creates per collection (`ensureIndexes`).
 */
export const createDocuments: Migration = {
  version: 1,
  name: 'create-documents',
  sql: `CREATE TABLE IF NOT EXISTS ${DOCUMENTS_TABLE} (
  collection TEXT NOT NULL,
  id         TEXT NOT NULL,
  doc        TEXT NOT NULL,
  PRIMARY KEY (collection, id)
)`,
};
