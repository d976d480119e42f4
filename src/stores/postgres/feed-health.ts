import type { Pool, QueryConfig } from 'pg';

/**
 * How far the global feed is held back. Readers only see events of
 * transactions older than the oldest transaction still running in the whole
 * cluster that holds a transaction id (any write, in any database), so one
 * long-running writing transaction stalls every reader until it ends.
 */
export interface FeedHealth {
  /** The horizon: readers see events of transactions with smaller ids (a decimal xid8). */
  readonly horizon: string;
  /** Age of the oldest running or prepared transaction that holds an xid, in milliseconds; 0 when there is none. */
  readonly oldestBlockingTransactionAgeMs: number;
  /** That transaction's server process id (absent for a prepared transaction, or when there is none). */
  readonly blockingPid?: number;
  /** That transaction's id. */
  readonly blockingTransactionId?: string;
  /** Its database, application name and state (`idle in transaction` is the usual culprit). */
  readonly blockingDatabase?: string;
  readonly blockingApplication?: string;
  readonly blockingState?: string;
  /** Committed events of this store not yet visible to readers because of the horizon (counted up to 10,001). */
  readonly withheldEvents: number;
}

interface Row {
  horizon: string;
  pid: number | null;
  xid: string | null;
  database: string | null;
  application: string | null;
  state: string | null;
  age_ms: number | null;
  withheld: number;
}

/** Runs the feed-health query. */
export async function readFeedHealth(pool: Pool, query: QueryConfig): Promise<FeedHealth> {
  const row = (await pool.query<Row>(query)).rows[0];
  if (row === undefined)
    return { horizon: '0', oldestBlockingTransactionAgeMs: 0, withheldEvents: 0 };
  return {
    horizon: row.horizon,
    oldestBlockingTransactionAgeMs: Math.round(row.age_ms ?? 0),
    ...(row.pid === null ? {} : { blockingPid: row.pid }),
    ...(row.xid === null ? {} : { blockingTransactionId: row.xid }),
    ...(row.database === null ? {} : { blockingDatabase: row.database }),
    ...(row.application === null ? {} : { blockingApplication: row.application }),
    ...(row.state === null ? {} : { blockingState: row.state }),
    withheldEvents: row.withheld,
  };
}
