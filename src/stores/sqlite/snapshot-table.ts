import type BetterSqlite3 from 'better-sqlite3';
import { EventfoldError, MigrationError } from '../../core/errors.js';
import {
  CREATE_SNAPSHOTS_SCHEMA_TABLE,
  CREATE_SNAPSHOTS_TABLE,
  SELECT_SNAPSHOTS_SCHEMA_EXISTS,
  SELECT_SNAPSHOTS_SCHEMA_VERSION,
  SNAPSHOTS_TABLE,
  UPSERT_SNAPSHOTS_SCHEMA_VERSION,
} from './sql/snapshots.js';

/** One step of the snapshot table's schema (its own sequence, apart from the event store's migrations). */
interface SnapshotTableStep {
  /** The version this step brings the snapshot table to (1, 2, …, without gaps). */
  readonly version: number;
  /** The statements to run, in the step's transaction. */
  readonly sql: string;
}

/** Every step of the snapshot table's schema, in order. Append new ones; never edit a released one. */
const STEPS: readonly SnapshotTableStep[] = [{ version: 1, sql: CREATE_SNAPSHOTS_TABLE }];

/**
 * The version of the SQLite snapshot table this eventfold writes and reads,
 * recorded in `eventfold_snapshots_schema`.
 *
 * @example
 * ```ts
 * SQLITE_SNAPSHOT_SCHEMA_VERSION; // 1
 * ```
 */
export const SQLITE_SNAPSHOT_SCHEMA_VERSION: number = STEPS.length;

/** The snapshot table's recorded schema version: 0 when it was never created. */
export function readSnapshotTableVersion(db: BetterSqlite3.Database): number {
  if (db.prepare(SELECT_SNAPSHOTS_SCHEMA_EXISTS).pluck().get() === undefined) return 0;
  const version = db
    .prepare<[], number>(SELECT_SNAPSHOTS_SCHEMA_VERSION)
    .pluck()
    .safeIntegers(false)
    .get();
  return version ?? 0;
}

/**
 * Creates the snapshot table, or brings it to
 * {@link SQLITE_SNAPSHOT_SCHEMA_VERSION}, in one `BEGIN IMMEDIATE`
 * transaction (so processes opening a new file at once do it exactly once).
 * A table written by a newer eventfold is refused with a {@link MigrationError}
 * and left untouched. When the table is current, it only reads its version.
 */
export function ensureSnapshotTable(db: BetterSqlite3.Database): void {
  try {
    const current = readSnapshotTableVersion(db);
    assertKnown(db, current);
    if (current === SQLITE_SNAPSHOT_SCHEMA_VERSION) return;
    db.transaction(() => {
      db.exec(CREATE_SNAPSHOTS_SCHEMA_TABLE);
      const locked = readSnapshotTableVersion(db); // another connection may have done it meanwhile
      assertKnown(db, locked);
      for (const step of STEPS) if (step.version > locked) db.exec(step.sql);
      if (locked < SQLITE_SNAPSHOT_SCHEMA_VERSION) {
        db.prepare<[number]>(UPSERT_SNAPSHOTS_SCHEMA_VERSION).run(SQLITE_SNAPSHOT_SCHEMA_VERSION);
      }
    }).immediate();
  } catch (error) {
    if (EventfoldError.is(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `Could not create the snapshot table ${SNAPSHOTS_TABLE} in SQLite database "${db.name}": ${message}`,
      { cause: error },
    );
  }
}

function assertKnown(db: BetterSqlite3.Database, version: number): void {
  if (version > SQLITE_SNAPSHOT_SCHEMA_VERSION) {
    throw new MigrationError(
      `SQLite database "${db.name}" has snapshot table version ${version}, but this eventfold knows versions up to ${SQLITE_SNAPSHOT_SCHEMA_VERSION}: ` +
        'it was written by a newer eventfold. Upgrade eventfold to use its snapshots; the file was not changed.',
    );
  }
}
