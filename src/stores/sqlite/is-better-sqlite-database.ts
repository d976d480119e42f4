import type BetterSqlite3 from 'better-sqlite3';
import { DatabaseError, InvalidOptionError } from '../../core/errors.js';
import { migrate } from './migrate.js';
import type { MigrationSet } from './migrations/index.js';

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

/**
 * The open connection of `source` (see {@link databaseOf}) for the store named
 * `owner`, with the migration set `set` applied: an `InvalidOptionError`
 * (option `source`) for anything else, a `DatabaseError` for a closed handle,
 * a `MigrationError` when the tables cannot be brought up to date.
 */
export function migratedDatabaseOf(
  source: unknown,
  owner: string,
  set: MigrationSet,
): BetterSqlite3.Database {
  const db = databaseOf(source);
  if (db === undefined)
    throw new InvalidOptionError(
      'source',
      source,
      'a SqliteEventStore or an open better-sqlite3 Database',
    );
  if (!db.open) throw new DatabaseError(`${owner}: the database handle "${db.name}" is closed`);
  migrate(db, set);
  return db;
}
