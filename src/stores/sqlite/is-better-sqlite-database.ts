import type BetterSqlite3 from 'better-sqlite3';

/**
 * Whether `value` looks like a better-sqlite3 `Database` (open or closed): the
 * stores accept a handle of yours, from whichever copy of better-sqlite3.
 *
 * @example
 * ```ts
 * isBetterSqliteDatabase(new Database(':memory:')); // true
 * isBetterSqliteDatabase('events.db'); // false
 * ```
 */
export function isBetterSqliteDatabase(value: unknown): value is BetterSqlite3.Database {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BetterSqlite3.Database).prepare === 'function' &&
    typeof (value as BetterSqlite3.Database).transaction === 'function'
  );
}

/**
 * The connection of a `SqliteEventStore` (its `database`), or the handle
 * itself; `undefined` for anything else: what the stores of tables beside
 * the events (snapshots, keys) accept as their source.
 */
export function databaseOf(source: unknown): BetterSqlite3.Database | undefined {
  if (isBetterSqliteDatabase(source)) return source;
  const database: unknown =
    typeof source === 'object' && source !== null && 'database' in source
      ? source.database
      : undefined;
  return isBetterSqliteDatabase(database) ? database : undefined;
}
