import { GROUP_MEMBERS_TABLE } from './tables.js';

/** SQLite's clock, in milliseconds since the Unix epoch (works on every SQLite version). */
export const SELECT_DATABASE_NOW = `SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;

/** Removes the expired members of a group: group, now. */
export const DELETE_EXPIRED_MEMBERS = `DELETE FROM ${GROUP_MEMBERS_TABLE} WHERE group_name = ? AND expires_at <= ?`;

/** Joins or renews a member: group, member, joined_at (now), expires_at. */
export const UPSERT_MEMBER = `INSERT INTO ${GROUP_MEMBERS_TABLE} (group_name, member, joined_at, expires_at)
  VALUES (?, ?, ?, ?)
  ON CONFLICT (group_name, member) DO UPDATE SET expires_at = excluded.expires_at`;

/** The live members of a group in member order (the bytes of their UTF-8: code points): group, now. */
export const SELECT_MEMBERS = `SELECT member, joined_at, expires_at FROM ${GROUP_MEMBERS_TABLE}
  WHERE group_name = ? AND expires_at > ? ORDER BY member`;

/** Removes a member: group, member. */
export const DELETE_MEMBER = `DELETE FROM ${GROUP_MEMBERS_TABLE} WHERE group_name = ? AND member = ?`;
