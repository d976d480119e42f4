import type { Pool } from 'pg';
import { toDatabaseError, type Secrets } from '../postgres-database-error.js';
import type { SubscriptionSql } from '../sql/subscriptions.js';

/** What the PostgreSQL subscription parts share: the store's pool, schema, statements and secrets. */
export interface PostgresSubscriptionContext {
  readonly pool: Pool;
  readonly schema: string;
  readonly sql: SubscriptionSql;
  readonly secrets: Secrets;
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
  fn: (pool: Pool) => Promise<T>,
): Promise<T> {
  await context.ready();
  return asDatabaseErrors(context, action, () => fn(context.pool));
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
