import { DatabaseError, EventfoldError } from '../../core/errors.js';

/**
 * Turns what the driver threw into an eventfold error: eventfold errors pass
 * through unchanged; SQLite errors (`SQLITE_BUSY` after the busy timeout, disk
 * full, a closed handle…) become a {@link DatabaseError} with the driver's
 * error as `cause` and its code in the message.
 */
export function toDatabaseError(error: unknown, action: string): EventfoldError {
  if (EventfoldError.is(error)) return error;
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (isBusy(error)) {
    return new DatabaseError(
      `SQLite database is busy while ${action}: another connection held its lock for longer than the busy timeout (${code}: ${message})`,
      { cause: error },
    );
  }
  return new DatabaseError(
    `SQLite error while ${action}: ${code === undefined ? message : `${code}: ${message}`}`,
    {
      cause: error,
    },
  );
}

/** Whether better-sqlite3 threw `SQLITE_BUSY` (a lock held by another connection past the busy timeout). */
export function isBusy(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  return code.startsWith('SQLITE_BUSY');
}
