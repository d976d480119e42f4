import type { Migration } from './migration.js';

/**
 * The tables of subscriptions, next to the events: checkpoints (`position`
 * NULL means "from the start"), dead letters (a reference to the parked event,
 * its last error as JSON text and its attempts). Leases are session advisory
 * locks, so they need no table.
 */
export const subscriptionsMigration: Migration = {
  version: 2,
  name: 'subscription checkpoints and dead letters',
  sql: (s) => `
CREATE TABLE ${s}.checkpoints (
  name text PRIMARY KEY,
  position text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ${s}.dead_letters (
  subscription text NOT NULL,
  event_id text NOT NULL,
  stream_id text NOT NULL,
  version bigint NOT NULL,
  position text NOT NULL,
  type text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  parked_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subscription, event_id)
);
`,
};
