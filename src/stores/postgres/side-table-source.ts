import type { Pool, QueryConfig, QueryResult } from 'pg';
import { InvalidOptionError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import { secretsOf, toDatabaseError, type Secrets } from './postgres-database-error.js';
import { timed } from './timed-query.js';
import { checkSchemaOption } from './postgres-connection.js';
import { DEFAULT_TIMEOUTS, type PostgresTimeouts } from './postgres-timeouts.js';
import { DEFAULT_SCHEMA } from './schema-name.js';
import { migrate } from './migrate.js';
import type { MigrationSet } from './migrations/index.js';

/** Where a store of tables beside the events (snapshots, keys) works: a pool, a schema, limits. */
export interface SideTableSource {
  readonly pool: Pool;
  readonly schema: string;
  /** The event store's `statementTimeoutMs`; the default given a pool. */
  readonly statementTimeoutMs: number;
  readonly secrets: Secrets;
}

function isPool(value: unknown): value is Pool {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pool).connect === 'function' &&
    typeof (value as Pool).query === 'function' &&
    typeof (value as Pool).totalCount === 'number'
  );
}

/**
 * The pool, schema and time limit of a `PostgresEventStore` (its `pool`,
 * `schema` and `timeouts`), or of a pg `Pool` and `schema` (default
 * `eventfold`, validated as the event store validates it). Throws an
 * `InvalidOptionError` naming `source` or `schema` for a source that is
 * neither, a schema that is not a safe schema name, or a schema other than
 * the event store's.
 *
 * @internal
 */
export function sideTableSource(source: unknown, schema: unknown): SideTableSource {
  checkOption.string('schema', schema);
  const given = schema as string | undefined;
  if (!isPool(source) && typeof source === 'object' && source !== null) {
    const store = source as { pool?: unknown; schema?: unknown; timeouts?: PostgresTimeouts };
    if (isPool(store.pool) && typeof store.schema === 'string') {
      if (given !== undefined && given !== store.schema) {
        throw new InvalidOptionError(
          'schema',
          given,
          `the event store's schema "${store.schema}" (pass its pool to use another schema)`,
        );
      }
      const { statementTimeoutMs } = store.timeouts ?? DEFAULT_TIMEOUTS;
      const pool = store.pool;
      return { pool, schema: store.schema, statementTimeoutMs, secrets: secretsOf(pool.options) };
    }
  }
  if (isPool(source)) {
    const name = given ?? DEFAULT_SCHEMA;
    checkSchemaOption(name);
    const { statementTimeoutMs } = DEFAULT_TIMEOUTS;
    return { pool: source, schema: name, statementTimeoutMs, secrets: secretsOf(source.options) };
  }
  throw new InvalidOptionError(
    'source',
    source,
    'a PostgresEventStore, or a pg Pool (and a schema name)',
  );
}

/**
 * Applies a migration set on first use, once: concurrent callers share the
 * attempt, and a failed attempt is forgotten so the next call tries again.
 *
 * @internal
 */
export class LazyMigration {
  readonly #source: SideTableSource;
  readonly #set: MigrationSet;
  #ready: Promise<void> | undefined;

  constructor(source: SideTableSource, set: MigrationSet) {
    this.#source = source;
    this.#set = set;
  }

  run(): Promise<void> {
    const { pool, schema, secrets } = this.#source;
    return (this.#ready ??= migrate(pool, schema, secrets, true, this.#set).catch(
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    ));
  }
}

/**
 * Runs one statement of a store of tables beside the events, with the
 * source's `statementTimeoutMs`; a failure becomes a `DatabaseError` saying
 * what failed (`action`), with the URL's password hidden.
 *
 * @internal
 */
export async function sideTableQuery<R extends object>(
  source: SideTableSource,
  query: QueryConfig,
  action: string,
): Promise<QueryResult<R>> {
  try {
    return await source.pool.query<R>(timed(query, source.statementTimeoutMs));
  } catch (error) {
    throw toDatabaseError(error, action, source.secrets);
  }
}
