import { EVENT_TAGS_TABLE, EVENTS_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * Tags (dynamic consistency boundaries). Each tagged event's tags are stored
 * twice, in its own transaction:
 * - in `eventfold_events.tags`, a JSON array (NULL when none, so existing and
 *   untagged events cost nothing), read back with the event on every read path
 *   without a join;
 * - in `eventfold_event_tags`, one row per tag and event, a `WITHOUT ROWID`
 *   B-tree keyed `(tag, position)`: a query by tag walks only the matching
 *   entries, in feed order, from the position it reads after.
 */
export const eventTags: Migration = {
  version: 4,
  name: 'event-tags',
  sql: `
    ALTER TABLE ${EVENTS_TABLE} ADD COLUMN tags TEXT;
    CREATE TABLE ${EVENT_TAGS_TABLE} (
      tag      TEXT    NOT NULL,
      position INTEGER NOT NULL REFERENCES ${EVENTS_TABLE} (position),
      PRIMARY KEY (tag, position)
    ) WITHOUT ROWID;
  `,
};
