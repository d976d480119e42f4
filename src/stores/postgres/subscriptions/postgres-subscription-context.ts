import type { ClientBase, Pool, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import { timed } from '../timed-query.js';
import { toDatabaseError, type Secrets } from '../postgres-database-error.js';
import type { SubscriptionSql } from '../sql/subscriptions.js';

/** What the PostgreSQL subscription parts share: the store's pool, schema, statements and secrets. */
export interface PostgresSubscriptionContext {
  readonly pool: Pool;
  readonly schema: string;
  readonly sql: SubscriptionSql;
  readonly secrets: Secrets;
  /** The time limit of the storage's own statements, in milliseconds (0: none). */
  readonly statementTimeoutMs: number;
  /** Resolves once the store's schema (with the subscription tables) is migrated. */
  readonly ready: () => Promise<void>;
}

/** The text hashed into the advisory lock serialising one checkpoint's writers. */
export function checkpointLockKey(schema: string, name: string): string {
  return `eventfold-checkpoint/${schema}/${name}`;
}

/** The text hashed into the advisory lock of one subscription's lease. */
export function leaseLockKey(schema: string, name: string): string {
  return `eventfold-lease/${schema}/${name}`;
}

/** Runs `fn` after the schema is ready, turning driver errors into `DatabaseError`s without secrets. */
export async function withPool<T>(
  context: PostgresSubscriptionContext,
  action: string,
  fn: (query: TimedQuery) => Promise<T>,
): Promise<T> {
  await context.ready();
  const { pool } = context;
  return asDatabaseErrors(context, action, () => fn(timedOn(pool, context)));
}

/** A query of the storage's own, with its time limit (see {@link timed}). */
export type TimedQuery = <R extends QueryResultRow = QueryResultRow>(
  text: string,
  values?: unknown[],
) => Promise<QueryResult<R>>;

/** {@link TimedQuery} on `client` (the pool, or a checked-out client inside a transaction). */
export function timedOn(
  client: Pick<ClientBase, 'query'> | Pool,
  context: PostgresSubscriptionContext,
): TimedQuery {
  return function query<R extends QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    const config: QueryConfig = timed(
      { text, ...(values === undefined ? {} : { values }) },
      context.statementTimeoutMs,
    );
    return client.query<R>(config);
  };
}

/** Runs `fn`; a driver error it throws becomes a `DatabaseError` naming `action` (eventfold's own errors pass through). */
export async function asDatabaseErrors<T>(
  context: PostgresSubscriptionContext,
  action: string,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDatabaseError(error, action, context.secrets);
  }
}
