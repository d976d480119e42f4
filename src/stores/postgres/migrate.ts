import type { Pool, PoolClient } from 'pg';
import { MigrationError } from '../../core/errors.js';
import { toDatabaseError, type Secrets } from './database-error.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations/index.js';
import { quoteSchema } from './schema-name.js';
import { migrationsSql, type MigrationsSql } from './sql/migrations.js';

/** Namespace of the two-key advisory lock taken while migrating a schema ("EvFd"). */
/** The advisory-lock class under which every schema change of a store's schema runs (migrations, the snapshot table). */
export const MIGRATION_LOCK_CLASS = 0x45764664;

/**
 * Brings `schema` to {@link SCHEMA_VERSION}: creates it when missing and applies,
 * each in its own transaction and recorded in `<schema>.migrations`, the
 * migrations not yet applied. Runs under a session advisory lock keyed by the
 * schema name, so several processes starting at once migrate it exactly once.
 * With `apply: false` it only checks the version. Throws a {@link MigrationError}.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  secrets: Secrets,
  apply = true,
): Promise<void> {
  const s = quoteSchema(schema);
  const sql = migrationsSql(s);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toDatabaseError(error, 'connection', secrets);
  }
  let broken = false;
  try {
    // Fast path: already current, no lock needed.
    const found = await currentVersion(client, sql);
    if (found === SCHEMA_VERSION) return;
    if (!apply || (found !== undefined && found > SCHEMA_VERSION)) throw outOfDate(schema, found);
    await client.query(sql.lock, [MIGRATION_LOCK_CLASS, schema]);
    try {
      await client.query(sql.createSchema);
      await client.query(sql.createTable);
      const version = await currentVersion(client, sql);
      if (version !== undefined && version > SCHEMA_VERSION) throw outOfDate(schema, version);
      for (const migration of MIGRATIONS) {
        if (version !== undefined && migration.version <= version) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql(s));
          await client.query(sql.record, [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => (broken = true));
          throw new MigrationError(
            `Migration ${migration.version} (${migration.name}) of schema "${schema}" failed: ${toDatabaseError(error, 'migration', secrets).message}`,
          );
        }
      }
    } finally {
      await client.query(sql.unlock, [MIGRATION_LOCK_CLASS, schema]).catch(() => (broken = true));
    }
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    broken = true;
    const wrapped = toDatabaseError(error, `migration of schema "${schema}"`, secrets);
    throw new MigrationError(wrapped.message, { cause: wrapped });
  } finally {
    client.release(broken);
  }
}

/** The highest applied migration, or `undefined` when the schema has no migrations table yet. */
async function currentVersion(client: PoolClient, sql: MigrationsSql): Promise<number | undefined> {
  const exists = await client.query<{ exists: boolean }>(sql.exists);
  if (exists.rows[0]?.exists !== true) return undefined;
  const current = await client.query<{ version: number }>(sql.current);
  return current.rows[0]?.version ?? 0;
}

function outOfDate(schema: string, version: number | undefined): MigrationError {
  return new MigrationError(
    version !== undefined && version > SCHEMA_VERSION
      ? `Schema "${schema}" is at version ${version}, newer than this eventfold supports (${SCHEMA_VERSION}); upgrade eventfold`
      : `Schema "${schema}" is at version ${version ?? 'none'}, eventfold needs ${SCHEMA_VERSION}; run with migrations enabled`,
  );
}
