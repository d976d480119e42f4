import type BetterSqlite3 from 'better-sqlite3';
import { StreamDeletedError } from '../../core/errors.js';
import { visibleStream } from '../../core/stream-deletion.js';
import { expiryCutoff, retainedFrom } from '../../core/stream-metadata.js';
import { EVENTS_TABLE, STREAM_STATES_TABLE } from './sql/tables.js';

/** A stream's row of `eventfold_stream_states`. */
export type StateRow = [
  deletedVersion: number | null,
  truncateBefore: number | null,
  hard: number,
  maxAge: number | null,
  maxCount: number | null,
  metadata: string | null,
  metadataVersion: number,
];

/** The statements of stream states, prepared once per connection. */
interface StateStatements {
  readonly get: BetterSqlite3.Statement<[string], StateRow>;
  readonly softDelete: BetterSqlite3.Statement<[string, number]>;
  readonly hardDelete: BetterSqlite3.Statement<[string]>;
  readonly truncate: BetterSqlite3.Statement<[string, number]>;
  readonly lastExpired: BetterSqlite3.Statement<[string, number], number | null>;
  readonly setMetadata: BetterSqlite3.Statement<
    [string, string, number | null, number | null, number]
  >;
}

const prepared = new WeakMap<BetterSqlite3.Database, StateStatements>();

function statementsOf(db: BetterSqlite3.Database): StateStatements {
  let statements = prepared.get(db);
  if (statements === undefined) {
    const t = STREAM_STATES_TABLE;
    statements = {
      get: db
        .prepare<[string], StateRow>(
          `SELECT deleted_version, truncate_before, hard, max_age, max_count, metadata, metadata_version
           FROM ${t} WHERE stream_id = ?`,
        )
        .raw(true)
        .safeIntegers(false),
      softDelete: db.prepare<[string, number]>(
        `INSERT INTO ${t} (stream_id, deleted_version) VALUES (?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET deleted_version = excluded.deleted_version`,
      ),
      hardDelete: db.prepare<[string]>(
        `INSERT INTO ${t} (stream_id, hard) VALUES (?, 1)
         ON CONFLICT (stream_id) DO UPDATE SET hard = 1`,
      ),
      truncate: db.prepare<[string, number]>(
        `INSERT INTO ${t} (stream_id, truncate_before) VALUES (?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET truncate_before = max(coalesce(truncate_before, 1), excluded.truncate_before)`,
      ),
      lastExpired: db
        .prepare<[string, number], number | null>(
          `SELECT max(version) FROM ${EVENTS_TABLE} WHERE stream_id = ? AND recorded_at < ?`,
        )
        .pluck()
        .safeIntegers(false),
      setMetadata: db.prepare<[string, string, number | null, number | null, number]>(
        `INSERT INTO ${t} (stream_id, metadata, max_age, max_count, metadata_version) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata, max_age = excluded.max_age,
           max_count = excluded.max_count, metadata_version = excluded.metadata_version`,
      ),
    };
    prepared.set(db, statements);
  }
  return statements;
}

/** A stream's visibility: its first visible version, its visible version, its last version. */
export interface SqliteVisibility {
  readonly start: number;
  readonly version: number;
  /** Its last version: numbering goes on from it (kept by the deletion state once a scavenge removed every event). */
  readonly last: number;
}

/**
 * Stream deletion state and metadata in a SQLite store's database: read it
 * (a tombstone throws a `StreamDeletedError`) and record soft deletes,
 * tombstones, truncations and metadata. Callers run inside the transaction
 * that needs them.
 */
export const sqliteStreamStates = {
  /** The stream's state row (`undefined`: none); throws for a tombstone unless `tombstones`. */
  row(db: BetterSqlite3.Database, streamId: string, tombstones = false): StateRow | undefined {
    const row = statementsOf(db).get.get(streamId);
    if (row !== undefined && row[2] !== 0 && !tombstones) throw new StreamDeletedError(streamId);
    return row;
  },
  /**
   * The visibility of a stream whose last stored version is `stored`, from its
   * state `row`: deletion, truncation and retention (`maxAge` measured now).
   */
  visibilityOf(
    db: BetterSqlite3.Database,
    streamId: string,
    row: StateRow | undefined,
    stored: number,
  ): SqliteVisibility {
    if (row === undefined) return { start: 1, version: stored, last: stored };
    const [deletedVersion, truncateBefore, , maxAge, maxCount] = row;
    const last = Math.max(stored, deletedVersion ?? 0);
    const expired =
      maxAge === null ? 0 : (statementsOf(db).lastExpired.get(streamId, expiryCutoff(maxAge)) ?? 0);
    const retain = retainedFrom(last, { maxAge, maxCount }, expired);
    return { ...visibleStream(last, deletedVersion, truncateBefore, retain), last };
  },
  /** {@link sqliteStreamStates.visibilityOf} of the stream's own row; throws for a tombstone. */
  visible(db: BetterSqlite3.Database, streamId: string, stored: number): SqliteVisibility {
    return this.visibilityOf(db, streamId, this.row(db, streamId), stored);
  },
  softDelete(db: BetterSqlite3.Database, streamId: string, version: number): void {
    statementsOf(db).softDelete.run(streamId, version);
  },
  hardDelete(db: BetterSqlite3.Database, streamId: string): void {
    statementsOf(db).hardDelete.run(streamId);
  },
  truncate(db: BetterSqlite3.Database, streamId: string, before: number): void {
    statementsOf(db).truncate.run(streamId, before);
  },
  setMetadata(
    db: BetterSqlite3.Database,
    streamId: string,
    json: string,
    maxAge: number | null,
    maxCount: number | null,
    version: number,
  ): void {
    statementsOf(db).setMetadata.run(streamId, json, maxAge, maxCount, version);
  },
};
