import { DEAD_LETTERS_TABLE } from './tables.js';

/** A dead-letter row, in column order. */
export type DeadLetterRow = [
  subscription: string,
  eventId: string,
  streamId: string,
  version: number,
  position: string,
  type: string,
  error: string,
  attempts: number,
  parkedAt: number,
  lastAttemptAt: number,
];

const COLUMNS =
  'subscription, event_id, stream_id, version, position, type, error, attempts, parked_at, last_attempt_at';

/** Dead letters of one subscription, by position: subscription, limit. */
export const SELECT_DEAD_LETTERS = `SELECT ${COLUMNS} FROM ${DEAD_LETTERS_TABLE} WHERE subscription = ? ORDER BY position, event_id LIMIT ?`;

/** Dead letters of every subscription, by position: limit. */
export const SELECT_ALL_DEAD_LETTERS = `SELECT ${COLUMNS} FROM ${DEAD_LETTERS_TABLE} ORDER BY position, subscription LIMIT ?`;

/** How many dead letters one subscription has. */
export const COUNT_DEAD_LETTERS = `SELECT count(*) FROM ${DEAD_LETTERS_TABLE} WHERE subscription = ?`;

/** How many dead letters there are. */
export const COUNT_ALL_DEAD_LETTERS = `SELECT count(*) FROM ${DEAD_LETTERS_TABLE}`;

/** Parks an event, or adds the attempts of another failure to its row (keeping `parked_at`). */
export const UPSERT_DEAD_LETTER = `INSERT INTO ${DEAD_LETTERS_TABLE} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (subscription, event_id) DO UPDATE SET
    error = excluded.error,
    attempts = ${DEAD_LETTERS_TABLE}.attempts + excluded.attempts,
    last_attempt_at = excluded.last_attempt_at`;

/** Removes one dead letter: subscription, event id. */
export const DELETE_DEAD_LETTER = `DELETE FROM ${DEAD_LETTERS_TABLE} WHERE subscription = ? AND event_id = ?`;

/** Removes every dead letter of a subscription. */
export const DELETE_DEAD_LETTERS = `DELETE FROM ${DEAD_LETTERS_TABLE} WHERE subscription = ?`;
