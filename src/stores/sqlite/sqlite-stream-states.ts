import type BetterSqlite3 from 'better-sqlite3';
import { StreamDeletedError } from '../../core/errors.js';
import { visibleStream } from '../../core/stream-deletion.js';
import { STREAM_STATES_TABLE } from './sql/tables.js';

/** A stream's row of `eventfold_stream_states`. */
type StateRow = [deletedVersion: number | null, truncateBefore: number | null, hard: number];

/** The statements of stream states, prepared once per connection. */
interface StateStatements {
  readonly get: BetterSqlite3.Statement<[string], StateRow>;
  readonly softDelete: BetterSqlite3.Statement<[string, number]>;
  readonly hardDelete: BetterSqlite3.Statement<[string]>;
  readonly truncate: BetterSqlite3.Statement<[string, number]>;
}

const prepared = new WeakMap<BetterSqlite3.Database, StateStatements>();

function statementsOf(db: BetterSqlite3.Database): StateStatements {
  let statements = prepared.get(db);
  if (statements === undefined) {
    const t = STREAM_STATES_TABLE;
    statements = {
      get: db
        .prepare<[string], StateRow>(
          `SELECT deleted_version, truncate_before, hard FROM ${t} WHERE stream_id = ?`,
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
    };
    prepared.set(db, statements);
  }
  return statements;
}

/**
 * Stream deletion state in a SQLite store's database: read it (a tombstone
 * throws a `StreamDeletedError`) and record soft deletes, tombstones and
 * truncations. Callers run inside the transaction that needs them.
 */
export const sqliteStreamStates = {
  /** The first visible version and the visible version of a stream whose last stored version is `last`. */
  visible(
    db: BetterSqlite3.Database,
    streamId: string,
    last: number,
  ): { readonly start: number; readonly version: number } {
    const row = statementsOf(db).get.get(streamId);
    if (row === undefined) return { start: 1, version: last };
    if (row[2] !== 0) throw new StreamDeletedError(streamId);
    return visibleStream(last, row[0], row[1]);
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
};
