import { ValidationError } from '../../core/errors.js';
import type { EventRegistry } from '../../core/registry.js';

/**
 * How hard SQLite works to make a commit durable (`PRAGMA synchronous`), in WAL mode:
 * - `'NORMAL'` (the default): a committed append survives a crash or kill of the
 *   process; after a power loss or OS crash the last few commits may be lost, but
 *   the file is never corrupted.
 * - `'FULL'`: each commit is synced to disk before the append returns, so it also
 *   survives power loss, at the price of one fsync per append.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** The default busy timeout, in milliseconds. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** Options of a {@link SqliteEventStore}. */
export interface SqliteEventStoreOptions {
  /** Validates events on append and revives them on read. */
  registry?: EventRegistry;
  /** The largest serialised data plus metadata of one event, in bytes (default 1 MiB). */
  maxEventBytes?: number;
  /**
   * Durability of commits (default `'NORMAL'`, see {@link SqliteSynchronous}).
   * Applied to a database handle you pass only when given.
   */
  synchronous?: SqliteSynchronous;
  /**
   * How long an append waits for another connection's write lock before failing
   * with a `DatabaseError`, in milliseconds (default 5000). Applied to a database
   * handle you pass only when given.
   */
  busyTimeout?: number;
}

/** Checks the SQLite-specific options; throws a {@link ValidationError}. */
export function checkSqliteOptions(options: SqliteEventStoreOptions): void {
  const { synchronous, busyTimeout } = options;
  if (synchronous !== undefined && synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new ValidationError(
      `Invalid synchronous=${String(synchronous)}: expected 'NORMAL' or 'FULL'`,
    );
  }
  if (
    busyTimeout !== undefined &&
    !(Number.isSafeInteger(busyTimeout) && busyTimeout >= 0 && busyTimeout <= 2 ** 31 - 1)
  ) {
    throw new ValidationError(
      `Invalid busyTimeout=${String(busyTimeout)}: expected a non-negative integer of milliseconds`,
    );
  }
}
