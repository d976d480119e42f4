/** The statements that create and record a schema's migrations (given the quoted schema). */
export interface MigrationsSql {
  /** → `{ exists }`: whether the migrations table exists. */
  readonly exists: string;
  /** → `{ version }`: the highest applied migration (0 when none). */
  readonly current: string;
  /** Takes the session advisory lock `($1 class, hashtext($2 schema))`. */
  readonly lock: string;
  /** Releases it. */
  readonly unlock: string;
  readonly createSchema: string;
  readonly createTable: string;
  /** `$1` version, `$2` name. */
  readonly record: string;
}

/** SQL of the migration runner for one schema. */
export function migrationsSql(s: string): MigrationsSql {
  return {
    exists: `SELECT to_regclass('${s}.migrations') IS NOT NULL AS "exists"`,
    current: `SELECT coalesce(max(version), 0)::int AS version FROM ${s}.migrations`,
    lock: 'SELECT pg_advisory_lock($1::int, hashtext($2::text))',
    unlock: 'SELECT pg_advisory_unlock($1::int, hashtext($2::text))',
    createSchema: `CREATE SCHEMA IF NOT EXISTS ${s}`,
    createTable: `CREATE TABLE IF NOT EXISTS ${s}.migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
    record: `INSERT INTO ${s}.migrations (version, name) VALUES ($1, $2)`,
  };
}
