import type BetterSqlite3 from 'better-sqlite3';
import { EventfoldError, MigrationError } from '../../core/errors.js';
import { EVENT_MIGRATIONS, latestVersion, type MigrationSet } from './migrations/index.js';

/**
 * The version of `set` recorded in a database: its highest applied migration,
 * 0 when the set was never applied there.
 *
 * @example
 * ```ts
 * readSchemaVersion(db); // 3: the event store's schema
 * readSchemaVersion(db, SNAPSHOT_MIGRATIONS); // 1, or 0 before the first SqliteSnapshotStore
 * ```
 */
export function readSchemaVersion(
  db: BetterSqlite3.Database,
  set: MigrationSet = EVENT_MIGRATIONS,
): number {
  if (db.prepare(set.ledger.exists).pluck().get() === undefined) return 0;
  const version = db
    .prepare<[], number | null>(set.ledger.version)
    .pluck()
    .safeIntegers(false)
    .get();
  return version ?? 0;
}

/**
 * The one migration runner of SQLite: brings `set` (default: the event
 * store's schema) to `target` (default: its latest version) by applying the
 * missing migrations in one `BEGIN IMMEDIATE` transaction, so processes
 * opening the same new file at once apply them exactly once. When the set is
 * current it only reads its version. A database written by a newer eventfold
 * (a higher version than this one knows) is refused with a
 * {@link MigrationError} and left untouched; a failing migration rolls back
 * and is a `MigrationError` too.
 *
 * @example
 * ```ts
 * migrate(db); // the event store's tables
 * migrate(db, SNAPSHOT_MIGRATIONS); // the snapshot table
 * ```
 */
export function migrate(
  db: BetterSqlite3.Database,
  set: MigrationSet = EVENT_MIGRATIONS,
  target: number = latestVersion(set),
): void {
  try {
    const current = readSchemaVersion(db, set);
    assertKnown(db, set, current);
    if (current >= target) return;
    db.transaction(() => {
      db.exec(set.ledger.create);
      const locked = readSchemaVersion(db, set); // another process may have migrated meanwhile
      assertKnown(db, set, locked);
      const record = db.prepare<[{ version: number; name: string; appliedAt: string }]>(
        set.ledger.record,
      );
      for (const migration of set.migrations) {
        if (migration.version <= locked || migration.version > target) continue;
        db.exec(migration.sql);
        record.run({
          version: migration.version,
          name: migration.name,
          appliedAt: new Date().toISOString(),
        });
      }
    }).immediate();
  } catch (error) {
    if (EventfoldError.is(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `Could not migrate the ${set.subject} of SQLite database "${db.name}": ${message}`,
      { cause: error },
    );
  }
}

function assertKnown(db: BetterSqlite3.Database, set: MigrationSet, version: number): void {
  const latest = latestVersion(set);
  if (version > latest) {
    throw new MigrationError(
      `SQLite database "${db.name}" has ${set.subject} version ${version}, but this eventfold knows versions up to ${latest}: ` +
        'it was written by a newer eventfold. Upgrade eventfold to open it; the file was not changed.',
    );
  }
}
