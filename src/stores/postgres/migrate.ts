import type { Pool, PoolClient } from 'pg';
import { DatabaseError, EventfoldError, MigrationError } from '../../core/errors.js';
import { toDatabaseError, type Secrets } from './postgres-database-error.js';
import {
  EVENT_MIGRATIONS,
  latestVersion,
  type MigrationLedger,
  type MigrationSet,
} from './migrations/index.js';
import { quoteSchema } from './schema-name.js';
import { createSchemaSql, LOCK_SCHEMA, SCHEMA_EXISTS } from './sql/migrations.js';
import { timed } from './timed-query.js';
import { withTransaction } from './with-transaction.js';

/**
 * The advisory-lock class ("EvFd") under which every schema change of a
 * store's schema runs, whichever migration set it belongs to.
 */
export const MIGRATION_LOCK_CLASS = 0x45764664;

/**
 * The one migration runner of PostgreSQL: brings `set` (default: the event
 * store's schema) to its latest version in `schema`, creating the schema when
 * missing. Everything happens in one transaction on one checked-out client
 * (`withTransaction`): when the set is current it only reads its version;
 * otherwise it takes the schema's transaction-level advisory lock, so several
 * processes starting at once migrate it exactly once, applies the missing
 * migrations, records each in the set's ledger and commits them together.
 * With `apply: false` it only checks the version. A schema written by a newer
 * eventfold is refused and left untouched. Throws a {@link MigrationError}
 * (a `DatabaseError`), or a `DatabaseError` when no connection can be had.
 *
 * @example
 * ```ts
 * await migrate(pool, 'eventfold', secrets); // the event store's tables
 * await migrate(pool, 'eventfold', secrets, true, SNAPSHOT_MIGRATIONS); // the snapshot table
 * ```
 */
export async function migrate(
  pool: Pool,
  schema: string,
  secrets: Secrets,
  apply = true,
  set: MigrationSet = EVENT_MIGRATIONS,
  statementTimeoutMs = 0,
): Promise<void> {
  const s = quoteSchema(schema);
  const ledger = set.ledger(s);
  const latest = latestVersion(set);
  const action = `migration of the ${set.subject} of schema "${schema}"`;
  try {
    await withTransaction({ pool, secrets, statementTimeoutMs }, action, async (client) => {
      const found = await readVersion(client, ledger, statementTimeoutMs);
      if (found === latest) return;
      if (found > latest) throw newer(set, schema, found);
      if (!apply) throw outOfDate(set, schema, found);
      await client.query(LOCK_SCHEMA, [MIGRATION_LOCK_CLASS, schema]);
      const namespace = await client.query<{ found: boolean }>(SCHEMA_EXISTS, [s]);
      if (namespace.rows[0]?.found !== true) await client.query(createSchemaSql(s));
      await client.query(ledger.create);
      const locked = await readVersion(client, ledger, statementTimeoutMs); // another process may have migrated meanwhile
      if (locked > latest) throw newer(set, schema, locked);
      for (const migration of set.migrations) {
        if (migration.version <= locked) continue;
        try {
          await client.query(migration.sql(s));
          await client.query(ledger.record(migration));
        } catch (error) {
          const step = `migration ${migration.version} (${migration.name}) of the ${set.subject} of schema "${schema}"`;
          throw migrationError(toDatabaseError(error, step, secrets));
        }
      }
    });
  } catch (error) {
    if (EventfoldError.is(error)) throw error;
    throw migrationError(toDatabaseError(error, action, secrets));
  }
}

/** The set's recorded version: 0 when its ledger does not exist yet. */
async function readVersion(
  client: PoolClient,
  ledger: MigrationLedger,
  timeoutMs: number,
): Promise<number> {
  const exists = await client.query<{ exists: boolean }>(timed({ text: ledger.exists }, timeoutMs));
  if (exists.rows[0]?.exists !== true) return 0;
  const current = await client.query<{ version: number }>(
    timed({ text: ledger.version }, timeoutMs),
  );
  return current.rows[0]?.version ?? 0;
}

function newer(set: MigrationSet, schema: string, version: number): MigrationError {
  return new MigrationError(
    `The ${set.subject} of schema "${schema}" is at version ${version}, newer than this eventfold supports (${latestVersion(set)}); upgrade eventfold`,
  );
}

function outOfDate(set: MigrationSet, schema: string, version: number): MigrationError {
  return new MigrationError(
    `The ${set.subject} of schema "${schema}" is at version ${version}, eventfold needs ${latestVersion(set)}; run with migrations enabled`,
  );
}

/** A {@link MigrationError} with the message, SQLSTATE and connection state of `cause`. */
function migrationError(cause: EventfoldError): MigrationError {
  const lost = DatabaseError.is(cause) ? cause : undefined;
  return new MigrationError(cause.message, {
    cause,
    sqlState: lost?.sqlState,
    connectionLost: lost?.connectionLost,
  });
}
