import { DatabaseError } from '../../core/errors.js';

/** SQLSTATEs of a connection the server refused, ended or cannot keep (besides class 08). */
const CONNECTION_SQLSTATES = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or in recovery
  '57P05', // idle_session_timeout
  '25P03', // idle_in_transaction_session_timeout
  '53300', // too_many_connections
]);

/** System error codes of a socket that could not connect or was cut. */
const SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** Messages of `pg` and `pg-pool` for a connection that ended, cannot be used, or timed out. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /is not queryable$/,
  /^Query read timeout$/,
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated due to connection timeout$/,
  /^terminating connection/,
];

/** How deep {@link isConnectionLoss} follows `cause`s. */
const MAX_DEPTH = 8;

/** The SQLSTATE of a driver error, when it has one. */
export function sqlStateOf(error: unknown): string | undefined {
  const code = fieldOf(error, 'code');
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Whether `error` (a `pg` error, a socket error, or a `DatabaseError`) says
 * the connection failed rather than the statement: SQLSTATE class 08,
 * `57P01`/`57P02`/`57P03`/`57P05`, `25P03`, `53300`; a refused, reset or
 * timed-out socket; `pg`'s "Connection terminated…", "…not queryable" and
 * timeout errors. The one place PostgreSQL connection errors are classified.
 *
 * @example
 * ```ts
 * isConnectionError({ code: '57P01', message: 'terminating connection due to administrator command' }); // true
 * isConnectionError({ code: '23505', message: 'duplicate key value' }); // false
 * ```
 */
export function isConnectionError(error: unknown): boolean {
  if (DatabaseError.is(error)) return error.connectionLost;
  const sqlState = sqlStateOf(error);
  if (sqlState !== undefined)
    return sqlState.startsWith('08') || CONNECTION_SQLSTATES.has(sqlState);
  const code = fieldOf(error, 'code');
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  const message = fieldOf(error, 'message');
  return typeof message === 'string' && CONNECTION_MESSAGES.some((re) => re.test(message));
}

/** Whether `error` or one of its `cause`s is a connection error (see {@link isConnectionError}). */
export function isConnectionLoss(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < MAX_DEPTH && current !== undefined && current !== null; depth++) {
    if (isConnectionError(current)) return true;
    current = fieldOf(current, 'cause');
  }
  return false;
}

function fieldOf(value: unknown, key: 'code' | 'message' | 'cause'): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
