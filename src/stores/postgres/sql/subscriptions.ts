/** The SQL of subscription checkpoints, dead letters and leases, for a quoted schema `s`. */
export interface SubscriptionSql {
  /** Serialises the writers of one checkpoint for the transaction: `$1` the lock key text. */
  readonly lockCheckpoint: string;
  readonly selectCheckpoint: string;
  readonly selectCheckpoints: string;
  /** `$1` name, `$2` position (NULL: the start). */
  readonly upsertCheckpoint: string;
  readonly deleteCheckpoint: string;
  /** `$1` subscription (NULL: all), `$2` limit. */
  readonly selectDeadLetters: string;
  /** `$1` subscription (NULL: all). */
  readonly countDeadLetters: string;
  /** `$1`…`$8`: subscription, event id, stream id, version, position, type, error, attempts. */
  readonly upsertDeadLetter: string;
  readonly deleteDeadLetter: string;
  readonly deleteDeadLetters: string;
  /** `$1` the lock key text. */
  readonly tryLease: string;
  readonly unlockLease: string;
  /** The application name of the session holding a lease: `$1` the lock key text. */
  readonly leaseHolder: string;
}

const DEAD_LETTER_COLUMNS =
  'subscription, event_id, stream_id, version, position, type, error, attempts, parked_at, last_attempt_at';

/** The statements for schema `s` (quoted). */
export function subscriptionSql(s: string): SubscriptionSql {
  return {
    lockCheckpoint: 'SELECT pg_advisory_xact_lock(hashtextextended($1, 0))',
    selectCheckpoint: `SELECT name, position, updated_at FROM ${s}.checkpoints WHERE name = $1`,
    selectCheckpoints: `SELECT name, position, updated_at FROM ${s}.checkpoints ORDER BY name`,
    upsertCheckpoint: `INSERT INTO ${s}.checkpoints AS c (name, position, updated_at) VALUES ($1, $2, now())
  ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    deleteCheckpoint: `DELETE FROM ${s}.checkpoints WHERE name = $1`,
    selectDeadLetters: `SELECT ${DEAD_LETTER_COLUMNS} FROM ${s}.dead_letters
  WHERE $1::text IS NULL OR subscription = $1 ORDER BY position, subscription, event_id LIMIT $2`,
    countDeadLetters: `SELECT count(*)::int AS n FROM ${s}.dead_letters WHERE $1::text IS NULL OR subscription = $1`,
    upsertDeadLetter: `INSERT INTO ${s}.dead_letters AS d (subscription, event_id, stream_id, version, position, type, error, attempts)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (subscription, event_id) DO UPDATE SET
    error = excluded.error, attempts = d.attempts + excluded.attempts, last_attempt_at = now()`,
    deleteDeadLetter: `DELETE FROM ${s}.dead_letters WHERE subscription = $1 AND event_id = $2`,
    deleteDeadLetters: `DELETE FROM ${s}.dead_letters WHERE subscription = $1`,
    tryLease: 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
    unlockLease: 'SELECT pg_advisory_unlock(hashtextextended($1, 0))',
    leaseHolder: `SELECT a.application_name AS holder
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = ((hashtextextended($1, 0) >> 32) & 4294967295)::oid
    AND l.objid = (hashtextextended($1, 0) & 4294967295)::oid
  LIMIT 1`,
  };
}
