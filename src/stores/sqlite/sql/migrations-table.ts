import { MIGRATIONS_TABLE } from './tables.js';

/** Whether the migrations table exists (1 or no row). */
export const SELECT_MIGRATIONS_TABLE_EXISTS = `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${MIGRATIONS_TABLE}'`;

/** Creates the migrations table if needed. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

/** The highest applied schema version (NULL when none). */
export const SELECT_SCHEMA_VERSION = `SELECT max(version) FROM ${MIGRATIONS_TABLE}`;

/** Records one applied migration: version, name, ISO timestamp. */
export const INSERT_MIGRATION = `INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`;
