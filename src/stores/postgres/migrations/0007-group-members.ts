import type { Migration } from './migration.js';

/**
 * The live members of rebalancing consumer groups: one row per group and
 * member, with when it joined and when it expires unless it beats again
 * (times by the server's clock). Members sort in code point order (`"C"`).
 */
export const groupMembersMigration: Migration = {
  version: 7,
  name: 'consumer group members',
  sql: (s) => `
CREATE TABLE ${s}.group_members (
  group_name text NOT NULL,
  member text COLLATE "C" NOT NULL,
  joined_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (group_name, member)
);
`,
};
