import type { MigrationLedger } from '../migrations/migration.js';

/**
 * Takes the transaction-level advisory lock `($1 class, hashtext($2 schema))`
 * under which every schema change of a store's schema runs; it is released at
 * `COMMIT` or `ROLLBACK`.
 */
export const LOCK_SCHEMA = 'SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))';

/** `$1` the quoted schema name → `{ found }`: whether the schema exists. */
export const SCHEMA_EXISTS = 'SELECT to_regnamespace($1::text) IS NOT NULL AS found';

/** Creates the schema (given quoted) if it is missing. */
export function createSchemaSql(s: string): string {
  return `CREATE SCHEMA IF NOT EXISTS ${s}`;
}

/** The ledger of the event store's schema: `<schema>.migrations`, one row per applied migration. */
export function eventSchemaLedger(s: string): MigrationLedger {
  return {
    exists: `SELECT to_regclass('${s}.migrations') IS NOT NULL AS "exists"`,
    create: `CREATE TABLE IF NOT EXISTS ${s}.migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
    version: `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.migrations`,
    record: (migration) => ({
      text: `INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`,
      values: [migration.version, migration.name],
    }),
  };
}

/**
 * A ledger of one row (`id = 1`) holding the version of a set of tables kept
 * beside the events, in the table `<schema>.<table>`.
 */
function oneRowLedger(s: string, table: string): MigrationLedger {
  return {
    exists: `SELECT to_regclass('${s}.${table}') IS NOT NULL AS "exists"`,
    create: `CREATE TABLE IF NOT EXISTS ${s}.${table} (
      id integer PRIMARY KEY CHECK (id = 1),
      version integer NOT NULL
    )`,
    version: `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.${table}`,
    record: (migration) => ({
      text: `INSERT INTO ${s}.${table} (id, version) VALUES (1, $1)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
      values: [migration.version],
    }),
  };
}

/** The ledger of the snapshot table: `<schema>.snapshots_schema`, one row (`id = 1`) holding its version. */
export function snapshotTableLedger(s: string): MigrationLedger {
  return oneRowLedger(s, 'snapshots_schema');
}

/** The ledger of the key tables (crypto-shredding): `<schema>.personal_keys_schema`, one row (`id = 1`) holding their version. */
export function keyTablesLedger(s: string): MigrationLedger {
  return oneRowLedger(s, 'personal_keys_schema');
}

/** The ledger of the document table (document projections): `<schema>.documents_schema`, one row (`id = 1`) holding its version. */
export function documentTableLedger(s: string): MigrationLedger {
  return oneRowLedger(s, 'documents_schema');
}
