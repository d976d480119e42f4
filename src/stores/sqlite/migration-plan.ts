import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { loadOptionalDependency } from '../../core/optional-dependency.js';
import { readSchemaVersion } from './migrate.js';
import { EVENT_MIGRATIONS, latestVersion, type MigrationSet } from './migrations/index.js';
import { toDatabaseError } from './sqlite-database-error.js';

/** One migration not yet applied, with the SQL it would run. */
export interface PendingMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Where a database's schema stands and what migrating it would run. */
export interface MigrationPlan {
  /** The version recorded in the database (0: none, or no database yet). */
  readonly current: number;
  /** The version this eventfold brings it to. */
  readonly latest: number;
  /** The migrations migrating would apply, in order (empty when current, or when the database is newer). */
  readonly pending: readonly PendingMigration[];
}

const require = createRequire(import.meta.url);

/** The migrations of `set` above `current`, with their SQL. */
export function pendingSqliteMigrations(
  current: number,
  set: MigrationSet = EVENT_MIGRATIONS,
): MigrationPlan {
  const pending = set.migrations
    .filter((m) => m.version > current)
    .map(({ version, name, sql }) => ({ version, name, sql: sql.trim() }));
  return { current, latest: latestVersion(set), pending };
}

/**
 * What migrating the SQLite file `filename` would do, without changing it:
 * opens it read-only (a missing file is not created: it would get every
 * migration). Throws a `DatabaseError` when the file cannot be read.
 */
export function planSqliteMigrations(filename: string): MigrationPlan {
  if (filename !== ':memory:' && !existsSync(filename)) return pendingSqliteMigrations(0);
  if (filename === ':memory:') return pendingSqliteMigrations(0);
  const Driver = loadOptionalDependency(
    require,
    'better-sqlite3',
    'eventfold/sqlite (and createEventStore with a sqlite: URL)',
    '@types/better-sqlite3',
  ) as typeof BetterSqlite3;
  let db: BetterSqlite3.Database;
  try {
    db = new Driver(filename, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw toDatabaseError(error, `opening "${filename}"`);
  }
  try {
    return pendingSqliteMigrations(readSchemaVersion(db));
  } catch (error) {
    throw toDatabaseError(error, `reading the schema version of "${filename}"`);
  } finally {
    db.close();
  }
}
