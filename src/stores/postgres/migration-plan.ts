import type { Pool } from 'pg';
import { EVENT_MIGRATIONS, latestVersion, type MigrationSet } from './migrations/index.js';
import { toDatabaseError, type Secrets } from './postgres-database-error.js';
import { quoteSchema } from './schema-name.js';

/** One migration not yet applied, with the SQL it would run. */
export interface PendingMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Where a schema stands and what migrating it would run. */
export interface MigrationPlan {
  /** The version recorded in the schema (0: none, or no schema yet). */
  readonly current: number;
  /** The version this eventfold brings it to. */
  readonly latest: number;
  /** The migrations migrating would apply, in order, with the schema name in their SQL. */
  readonly pending: readonly PendingMigration[];
}

/**
 * What migrating `schema` would do, without changing anything: reads the
 * ledger's version (0 when there is none yet) and lists the SQL of the
 * migrations above it. Throws a `DatabaseError` when the database cannot be read.
 */
export async function planPostgresMigrations(
  pool: Pool,
  schema: string,
  secrets: Secrets,
  set: MigrationSet = EVENT_MIGRATIONS,
): Promise<MigrationPlan> {
  const s = quoteSchema(schema);
  const ledger = set.ledger(s);
  let current = 0;
  try {
    const exists = await pool.query<{ exists: boolean }>(ledger.exists);
    if (exists.rows[0]?.exists === true) {
      current = (await pool.query<{ version: number }>(ledger.version)).rows[0]?.version ?? 0;
    }
  } catch (error) {
    throw toDatabaseError(error, `reading the schema version of "${schema}"`, secrets);
  }
  const pending = set.migrations
    .filter((m) => m.version > current)
    .map((m) => ({ version: m.version, name: m.name, sql: m.sql(s).trim() }));
  return { current, latest: latestVersion(set), pending };
}
