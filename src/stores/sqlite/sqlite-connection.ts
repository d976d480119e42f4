import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { DatabaseError, InvalidOptionError } from '../../core/errors.js';
import { loadOptionalDependency } from '../../core/optional-dependency.js';
import { isBetterSqliteDatabase } from './is-better-sqlite-database.js';
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  type SqliteEventStoreOptions,
} from './sqlite-event-store-options.js';
import { toDatabaseError } from './sqlite-database-error.js';

/** A database the store uses, and whether the store opened it (and so closes it). */
export interface OpenedDatabase {
  readonly db: BetterSqlite3.Database;
  readonly owned: boolean;
}

const require = createRequire(import.meta.url);

/** Loads the optional peer dependency, with an install hint when it is missing. */
function loadDriver(): typeof BetterSqlite3 {
  return loadOptionalDependency(
    require,
    'better-sqlite3',
    'eventfold/sqlite (and createEventStore with a sqlite: URL)',
    '@types/better-sqlite3',
  ) as typeof BetterSqlite3;
}

/**
 * Opens `database` (a file name, `':memory:'`, or an open better-sqlite3 handle)
 * and applies the connection settings: for a file the store opens, WAL mode,
 * `synchronous` (default NORMAL) and `busy_timeout` (default 5 s); for a handle
 * passed in, only the settings given explicitly.
 */
export function openDatabase(
  database: string | BetterSqlite3.Database,
  options: SqliteEventStoreOptions,
): OpenedDatabase {
  if (typeof database === 'string') {
    if (database.length === 0) {
      throw new InvalidOptionError(
        'database',
        database,
        'a file name, or an open better-sqlite3 Database',
      );
    }
    const Driver = loadDriver();
    const busyTimeout = options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS;
    let db: BetterSqlite3.Database;
    try {
      db = new Driver(database, { timeout: busyTimeout });
    } catch (error) {
      throw toDatabaseError(error, `opening "${database}"`);
    }
    try {
      configure(
        db,
        { ...options, busyTimeout, synchronous: options.synchronous ?? 'NORMAL' },
        true,
      );
    } catch (error) {
      db.close();
      throw error;
    }
    return { db, owned: true };
  }
  if (!isBetterSqliteDatabase(database)) {
    throw new InvalidOptionError(
      'database',
      database,
      'a file name, or an open better-sqlite3 Database',
    );
  }
  if (!database.open)
    throw new DatabaseError(`SqliteEventStore: the database handle "${database.name}" is closed`);
  configure(database, options, false);
  return { db: database, owned: false };
}

function configure(
  db: BetterSqlite3.Database,
  options: SqliteEventStoreOptions,
  wal: boolean,
): void {
  try {
    if (options.busyTimeout !== undefined) db.pragma(`busy_timeout = ${options.busyTimeout}`);
    if (wal && !db.memory && !db.readonly) db.pragma('journal_mode = WAL');
    if (options.synchronous !== undefined) db.pragma(`synchronous = ${options.synchronous}`);
  } catch (error) {
    throw toDatabaseError(error, `configuring "${db.name}"`);
  }
}
