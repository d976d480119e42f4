import type { Pool } from 'pg';
import { InvalidOptionError } from '../../core/errors.js';
import { toDatabaseError, type Secrets } from './postgres-database-error.js';
import { timed } from './timed-query.js';

/**
 * The WAL position a server's reads reflect, in one statement that works on
 * both: on a hot standby the last replayed position (what its queries see),
 * on a primary the last flushed one (every transaction that committed before
 * the call, with `synchronous_commit` on, lies at or below it; a standby is
 * only ever sent flushed WAL).
 */
export const WAL_POSITION_SQL = `SELECT (CASE WHEN pg_is_in_recovery()
  THEN coalesce(pg_last_wal_replay_lsn(), '0/0'::pg_lsn)
  ELSE pg_current_wal_flush_lsn() END)::text AS lsn`;

const LSN = /^([0-9A-F]{1,8})\/([0-9A-F]{1,8})$/i;

/** A `pg_lsn` (`'16/B374D848'`) as a number, for comparisons; an `InvalidOptionError` for anything else. */
export function lsnValue(lsn: string, option = 'lsn'): bigint {
  const match = typeof lsn === 'string' ? LSN.exec(lsn) : null;
  if (match === null)
    throw new InvalidOptionError(option, lsn, "a WAL position such as '0/3000148'");
  return (BigInt(`0x${match[1] ?? '0'}`) << 32n) + BigInt(`0x${match[2] ?? '0'}`);
}

/** Reads {@link WAL_POSITION_SQL} on `pool`. */
export async function readWalPosition(
  pool: Pool,
  secrets: Secrets,
  statementTimeoutMs: number,
): Promise<string> {
  try {
    const { rows } = await pool.query<{ lsn: string }>(
      timed({ text: WAL_POSITION_SQL }, statementTimeoutMs),
    );
    return rows[0]?.lsn ?? '0/0';
  } catch (error) {
    throw toDatabaseError(error, 'read of the WAL position', secrets);
  }
}

/**
 * The database cluster's system identifier (`pg_control_system()`), the same on a
 * primary and every physical standby of it, different on any other server.
 */
export async function readSystemIdentifier(
  pool: Pool,
  secrets: Secrets,
  statementTimeoutMs: number,
): Promise<string> {
  try {
    const { rows } = await pool.query<{ id: string }>(
      timed(
        { text: 'SELECT system_identifier::text AS id FROM pg_control_system()' },
        statementTimeoutMs,
      ),
    );
    return rows[0]?.id ?? '';
  } catch (error) {
    throw toDatabaseError(error, 'read of the system identifier', secrets);
  }
}
