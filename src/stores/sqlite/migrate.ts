import type BetterSqlite3 from 'better-sqlite3';
import { EventfoldError, MigrationError } from '../../core/errors.js';
import { MIGRATIONS, SQLITE_SCHEMA_VERSION } from './migrations/index.js';
import {
  CREATE_MIGRATIONS_TABLE,
  INSERT_MIGRATION,
  SELECT_MIGRATIONS_TABLE_EXISTS,
  SELECT_SCHEMA_VERSION,
} from './sql/migrations-table.js';

/**
 * The schema version recorded in a database: the highest applied migration, 0
 * for a database eventfold has never touched.
 */
export function readSchemaVersion(db: BetterSqlite3.Database): number {
  const exists = db.prepare(SELECT_MIGRATIONS_TABLE_EXISTS).pluck().get();
  if (exists === undefined) return 0;
  const version = db
    .prepare<[], number | null>(SELECT_SCHEMA_VERSION)
    .pluck()
    .safeIntegers(false)
    .get();
  return version ?? 0;
}

/**
 * Brings a database's schema to `target` (default: the latest) by applying the
 * missing migrations in one `BEGIN IMMEDIATE` transaction, so processes opening
 * the same new file at once apply them exactly once. A database written by a
 * newer eventfold (a higher version than this one knows) is refused with a
 * {@link MigrationError} and left untouched.
 */
export function migrate(db: BetterSqlite3.Database, target: number = SQLITE_SCHEMA_VERSION): void {
  try {
    const current = readSchemaVersion(db);
    assertKnown(db, current);
    if (current >= target) return;
    db.transaction(() => {
      db.exec(CREATE_MIGRATIONS_TABLE);
      const locked = readSchemaVersion(db); // another process may have migrated meanwhile
      assertKnown(db, locked);
      const record = db.prepare<[number, string, string]>(INSERT_MIGRATION);
      for (const migration of MIGRATIONS) {
        if (migration.version <= locked || migration.version > target) continue;
        db.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      }
    }).immediate();
  } catch (error) {
    if (error instanceof EventfoldError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `Could not migrate the eventfold schema of SQLite database "${db.name}": ${message}`,
      {
        cause: error,
      },
    );
  }
}

function assertKnown(db: BetterSqlite3.Database, version: number): void {
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new MigrationError(
      `SQLite database "${db.name}" has eventfold schema version ${version}, but this eventfold knows versions up to ${SQLITE_SCHEMA_VERSION}: ` +
        'it was written by a newer eventfold. Upgrade eventfold to open it; the file was not changed.',
    );
  }
}
