import type { MigrationLedger } from '../migrations/migration.js';
import {
  DOCUMENTS_SCHEMA_TABLE,
  MIGRATIONS_TABLE,
  PERSONAL_KEYS_SCHEMA_TABLE,
  SNAPSHOTS_SCHEMA_TABLE,
} from './tables.js';

/** Whether `table` exists (1 or no row). */
function tableExists(table: string): string {
  return `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${table}'`;
}

/** The ledger of the event store's schema: one row per applied migration. */
export const EVENT_SCHEMA_LEDGER: MigrationLedger = {
  exists: tableExists(MIGRATIONS_TABLE),
  create: `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`,
  version: `SELECT max(version) FROM ${MIGRATIONS_TABLE}`,
  record: `INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (@version, @name, @appliedAt)`,
};

/** A ledger of one row (`id = 1`) in `table`, holding the version of a set of tables beside the events. */
function oneRowLedger(table: string): MigrationLedger {
  return {
    exists: tableExists(table),
    create: `CREATE TABLE IF NOT EXISTS ${table} (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
)`,
    version: `SELECT version FROM ${table} WHERE id = 1`,
    record: `INSERT INTO ${table} (id, version) VALUES (1, @version)
  ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
  };
}

/** The ledger of the snapshot table: one row (`id = 1`) holding its version. */
export const SNAPSHOT_TABLE_LEDGER: MigrationLedger = oneRowLedger(SNAPSHOTS_SCHEMA_TABLE);

/** The ledger of the key tables (crypto-shredding): one row holding their version. */
export const KEY_TABLES_LEDGER: MigrationLedger = oneRowLedger(PERSONAL_KEYS_SCHEMA_TABLE);

/** The ledger of the document table (document projections): one row holding its version. */
export const DOCUMENT_TABLE_LEDGER: MigrationLedger = oneRowLedger(DOCUMENTS_SCHEMA_TABLE);
