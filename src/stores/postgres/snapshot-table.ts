import type { Pool, PoolClient } from 'pg';
import { MIGRATION_LOCK_CLASS } from './migrate.js';
import { EventfoldError, MigrationError } from '../../core/errors.js';
import { toDatabaseError, type Secrets } from './database-error.js';
import type { SnapshotsSql } from './sql/snapshots.js';

/**
 * The version of the PostgreSQL snapshot table this eventfold writes and
 * reads, recorded in `<schema>.snapshots_schema` (its own sequence, apart
 * from the event store's migrations).
 *
 * @example
 * ```ts
 * POSTGRES_SNAPSHOT_SCHEMA_VERSION; // 1
 * ```
 */
export const POSTGRES_SNAPSHOT_SCHEMA_VERSION = 1;

/**
 * Creates the snapshot table in `schema` (and the schema, when missing), or
 * brings it to {@link POSTGRES_SNAPSHOT_SCHEMA_VERSION}: in one transaction,
 * under the schema's advisory migration lock, so several processes starting at
 * once do it exactly once. When the table is current it only reads its
 * version, without the lock. A table written by a newer eventfold is refused
 * with a {@link MigrationError} and left untouched.
 */
export async function ensureSnapshotTable(
  pool: Pool,
  schema: string,
  sql: SnapshotsSql,
  secrets: Secrets,
): Promise<void> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toDatabaseError(error, 'connection', secrets);
  }
  let broken = false;
  try {
    const found = await tableVersion(client, sql);
    assertKnown(schema, found);
    if (found === POSTGRES_SNAPSHOT_SCHEMA_VERSION) return;
    await client.query(sql.lock, [MIGRATION_LOCK_CLASS, schema]);
    try {
      await client.query('BEGIN');
      try {
        const namespace = await client.query<{ found: boolean }>(
          'SELECT to_regnamespace($1::text) IS NOT NULL AS found',
          [`"${schema}"`],
        );
        if (namespace.rows[0]?.found !== true) await client.query(sql.createSchema);
        await client.query(sql.createVersionTable);
        const locked = await tableVersion(client, sql); // another process may have done it meanwhile
        assertKnown(schema, locked);
        for (const [index, step] of sql.steps.entries()) {
          if (index + 1 > locked) await client.query(step);
        }
        if (locked < POSTGRES_SNAPSHOT_SCHEMA_VERSION) {
          await client.query(sql.recordVersion, [POSTGRES_SNAPSHOT_SCHEMA_VERSION]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      }
    } finally {
      await client.query(sql.unlock, [MIGRATION_LOCK_CLASS, schema]).catch(() => (broken = true));
    }
  } catch (error) {
    if (EventfoldError.is(error)) throw error;
    broken = true;
    const wrapped = toDatabaseError(
      error,
      `creation of the snapshot table in schema "${schema}"`,
      secrets,
    );
    throw new MigrationError(wrapped.message, { cause: wrapped });
  } finally {
    client.release(broken);
  }
}

/** The recorded version of the snapshot table: 0 when there is none yet. */
async function tableVersion(client: PoolClient, sql: SnapshotsSql): Promise<number> {
  const exists = await client.query<{ exists: boolean }>(sql.versionTableExists);
  if (exists.rows[0]?.exists !== true) return 0;
  const found = await client.query<{ version: number }>(sql.version);
  return found.rows[0]?.version ?? 0;
}

function assertKnown(schema: string, version: number): void {
  if (version > POSTGRES_SNAPSHOT_SCHEMA_VERSION) {
    throw new MigrationError(
      `The snapshot table of schema "${schema}" is at version ${version}, newer than this eventfold supports (${POSTGRES_SNAPSHOT_SCHEMA_VERSION}); upgrade eventfold`,
    );
  }
}
