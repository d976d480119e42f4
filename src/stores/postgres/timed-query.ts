/**
 * `query` (a `pg` query config) with a client-side time limit of `timeoutMs`
 * (none when 0): past it the query fails with "Query read timeout", which
 * `isConnectionError` counts as a lost connection (the server may never have
 * seen it). A pool's `query` then destroys the client; a checked-out client
 * must be discarded by its user.
 *
 * @example
 * ```ts
 * await pool.query(timed({ text: 'SELECT 1' }, 30_000));
 * ```
 */
export function timed<Q extends object>(query: Q, timeoutMs: number): Q {
  return timeoutMs > 0 ? { ...query, query_timeout: timeoutMs } : query;
}
