import type BetterSqlite3 from 'better-sqlite3';
import { SqliteEventStore } from './sqlite-event-store.js';
import type { SqliteEventStoreOptions } from './sqlite-event-store-options.js';

/**
 * Opens a {@link SqliteEventStore} on a file (created if missing, migrated if
 * older), on `':memory:'`, or on an open better-sqlite3 handle; rejects with a
 * `MigrationError` for a file written by a newer eventfold and a
 * `DatabaseError` when the file cannot be opened.
 *
 * @example
 * ```ts
 * import { openSqliteEventStore } from 'eventfold/sqlite';
 * const store = await openSqliteEventStore('events.db', { synchronous: 'FULL' });
 * ```
 */
export function openSqliteEventStore(
  database: string | BetterSqlite3.Database,
  options: SqliteEventStoreOptions = {},
): Promise<SqliteEventStore> {
  // The executor's throw becomes the rejection.
  return new Promise((resolve) => resolve(new SqliteEventStore(database, options)));
}
