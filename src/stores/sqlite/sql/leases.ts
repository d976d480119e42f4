import { LEASES_TABLE } from './tables.js';

/**
 * Takes a lease when it is free, expired, or already this holder's: name,
 * holder, expires_at, now. One row changed means taken.
 */
export const ACQUIRE_LEASE = `INSERT INTO ${LEASES_TABLE} (name, holder, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
  WHERE ${LEASES_TABLE}.expires_at <= ? OR ${LEASES_TABLE}.holder = excluded.holder`;

/** Extends a lease still held by this holder: expires_at, name, holder. */
export const RENEW_LEASE = `UPDATE ${LEASES_TABLE} SET expires_at = ? WHERE name = ? AND holder = ?`;

/** Gives a lease up: name, holder. */
export const RELEASE_LEASE = `DELETE FROM ${LEASES_TABLE} WHERE name = ? AND holder = ?`;

/** The unexpired holder of a lease: name, now. */
export const SELECT_LEASE = `SELECT holder, expires_at FROM ${LEASES_TABLE} WHERE name = ? AND expires_at > ?`;
