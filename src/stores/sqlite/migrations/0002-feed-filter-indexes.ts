import { CATEGORY_INDEX, EVENTS_TABLE, TYPE_INDEX } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * Indexes for feed reads filtered by event type or by category. An index on
 * one column also orders by rowid, so each is walked as `(column, position)`.
 */
export const feedFilterIndexes: Migration = {
  version: 2,
  name: 'feed-filter-indexes',
  sql: `
    CREATE INDEX ${TYPE_INDEX} ON ${EVENTS_TABLE} (type);
    CREATE INDEX ${CATEGORY_INDEX} ON ${EVENTS_TABLE} (category);
  `,
};
