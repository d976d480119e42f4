import { GROUP_MEMBERS_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * The live members of rebalancing consumer groups: one row per group and
 * member, with when it joined and when it expires unless it beats again
 * (milliseconds since the Unix epoch, by SQLite's clock).
 */
export const groupMembers: Migration = {
  version: 8,
  name: 'group-members',
  sql: `
    CREATE TABLE ${GROUP_MEMBERS_TABLE} (
      group_name TEXT    NOT NULL,
      member     TEXT    NOT NULL,
      joined_at  INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (group_name, member)
    ) WITHOUT ROWID;
  `,
};
