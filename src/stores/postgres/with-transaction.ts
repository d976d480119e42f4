import type { Pool, PoolClient } from 'pg';
import { toDatabaseError, type Secrets } from './postgres-database-error.js';
import { timed } from './timed-query.js';

/** What {@link withClient} and {@link withTransaction} need to check a client out and report failures. */
export interface ClientSource {
  readonly pool: Pool;
  /** Passwords and connection strings to redact from error messages. */
  readonly secrets: Secrets;
  /** The time limit of `BEGIN`, `COMMIT` and `ROLLBACK`, in milliseconds (0 or absent: none). */
  readonly statementTimeoutMs?: number | undefined;
}

/** A checked-out client and what is known of its health. */
export interface CheckedOutClient {
  readonly client: PoolClient;
  /** The error the connection reported while checked out (terminated by the server…), if any. */
  readonly lost: () => unknown;
  /** Marks the client as unfit for reuse: it is destroyed rather than returned to the pool. */
  readonly discard: () => void;
}

/**
 * Checks a client out of the pool for `fn`, and back in whatever happens.
 * The client has an `'error'` listener for its whole checkout: a connection
 * the server ends while no query runs (a timeout, `pg_terminate_backend`, a
 * failover) marks it lost instead of crashing the process, and a lost or
 * discarded client is destroyed, not reused. A failure to connect is a
 * `DatabaseError` naming `action`; what `fn` throws propagates unchanged.
 */
export async function withClient<T>(
  source: ClientSource,
  action: string,
  fn: (checkout: CheckedOutClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await source.pool.connect();
  } catch (error) {
    throw toDatabaseError(error, action, source.secrets);
  }
  let lost: unknown;
  let broken = false;
  const onError = (error: unknown): void => {
    lost ??= error;
    broken = true;
  };
  client.on('error', onError);
  try {
    return await fn({
      client,
      lost: () => lost,
      discard: () => {
        broken = true;
      },
    });
  } finally {
    client.off('error', onError);
    // The pool's own listener is back now; a destroyed client's late errors go to it.
    client.release(broken);
  }
}

/**
 * Runs `fn` inside `BEGIN … COMMIT` on a checked-out client (see
 * {@link withClient}); any throw rolls back (a failed `ROLLBACK` discards the
 * client) and propagates unchanged. Errors of `BEGIN` and `COMMIT` are
 * `DatabaseError`s naming `action` (`connectionLost` when the client reported
 * a connection error). `BEGIN`, `COMMIT` and `ROLLBACK` have the source's
 * statement time limit; `fn` gets the checkout to time its own queries and to
 * learn whether the connection was lost.
 */
export function withTransaction<T>(
  source: ClientSource,
  action: string,
  fn: (client: PoolClient, checkout: CheckedOutClient) => Promise<T>,
): Promise<T> {
  const limit = source.statementTimeoutMs ?? 0;
  return withClient(source, action, async (checkout) => {
    const { client, discard, lost } = checkout;
    const fail = (error: unknown): never => {
      discard();
      throw toDatabaseError(error, action, source.secrets, lost() !== undefined);
    };
    try {
      await client.query(timed({ text: 'BEGIN' }, limit));
    } catch (error) {
      fail(error);
    }
    let result: T;
    try {
      result = await fn(client, checkout);
    } catch (error) {
      await client.query(timed({ text: 'ROLLBACK' }, limit)).catch(discard);
      throw error;
    }
    try {
      await client.query(timed({ text: 'COMMIT' }, limit));
    } catch (error) {
      fail(error);
    }
    return result;
  });
}
