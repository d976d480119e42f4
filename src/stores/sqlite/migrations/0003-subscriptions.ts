import { CHECKPOINTS_TABLE, DEAD_LETTERS_TABLE, LEASES_TABLE } from '../sql/tables.js';
import type { Migration } from './migration.js';

/**
 * The tables of subscriptions: checkpoints (`position` NULL means "from the
 * start"), dead letters (a reference to the parked event, its last error as
 * JSON and its attempts) and leases (holder and expiry, in milliseconds since
 * the Unix epoch). Times are milliseconds since the Unix epoch.
 */
export const subscriptions: Migration = {
  version: 3,
  name: 'subscriptions',
  sql: `
    CREATE TABLE ${CHECKPOINTS_TABLE} (
      name       TEXT    PRIMARY KEY,
      position   TEXT,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE ${DEAD_LETTERS_TABLE} (
      subscription    TEXT    NOT NULL,
      event_id        TEXT    NOT NULL,
      stream_id       TEXT    NOT NULL,
      version         INTEGER NOT NULL,
      position        TEXT    NOT NULL,
      type            TEXT    NOT NULL,
      error           TEXT    NOT NULL,
      attempts        INTEGER NOT NULL,
      parked_at       INTEGER NOT NULL,
      last_attempt_at INTEGER NOT NULL,
      PRIMARY KEY (subscription, event_id)
    );
    CREATE TABLE ${LEASES_TABLE} (
      name       TEXT    PRIMARY KEY,
      holder     TEXT    NOT NULL,
      expires_at INTEGER NOT NULL
    );
  `,
};
