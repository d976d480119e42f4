import { checkOption } from '../../core/options.js';
import type { EventStoreOptions } from '../../core/store-options.js';

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

/** Options of a {@link SqliteEventStore}: the options every store takes, and SQLite's own. */
export interface SqliteEventStoreOptions extends EventStoreOptions {
  /**
   * Durability of commits (default `'NORMAL'`, see {@link SqliteSynchronous}).
   * Applied to a database handle you pass only when given.
   */
  synchronous?: SqliteSynchronous | undefined;
  /**
   * How long an append waits for another connection's write lock before failing
   * with a `DatabaseError`, in milliseconds (default 5000). Applied to a database
   * handle you pass only when given.
   */
  busyTimeout?: number | undefined;
}

/** Checks the SQLite-specific options; throws an `InvalidOptionError` naming the option. */
export function checkSqliteOptions(options: SqliteEventStoreOptions): void {
  checkOption.oneOf('synchronous', options.synchronous, ['NORMAL', 'FULL']);
  checkOption.milliseconds('busyTimeout', options.busyTimeout);
}
