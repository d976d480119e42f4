import type BetterSqlite3 from 'better-sqlite3';
import { prepareSnapshot } from '../../core/contracts/prepare-snapshot.js';
import type { NewSnapshot, Snapshot, SnapshotStore } from '../../core/contracts/snapshot-store.js';
import { StoreClosedError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';
import { migratedDatabaseOf } from './is-better-sqlite-database.js';
import { SNAPSHOT_MIGRATIONS } from './migrations/index.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import {
  DELETE_SNAPSHOT,
  SELECT_SNAPSHOT,
  UPSERT_SNAPSHOT,
  type SnapshotRow,
  type UpsertSnapshotParams,
} from './sql/snapshots.js';
import { toDatabaseError } from './sqlite-database-error.js';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

/**
 * Aggregate snapshots in the SQLite file of the events: one row per stream in
 * the table `eventfold_snapshots` (`stream_id` key, `version`,
 * `schema_version`, `state` as JSON text, `created_at` in milliseconds since
 * the Unix epoch). The constructor brings the table to its current version
 * with the migration set `SNAPSHOT_MIGRATIONS` (recorded in
 * `eventfold_snapshots_schema`, apart from the event store's migrations, so a
 * file has the table only when snapshots are used). A save is one upsert that
 * keeps a stored snapshot of the same schema version and a higher version, as
 * `shouldReplaceSnapshot` says; every statement is prepared once.
 *
 * The store owns nothing: it uses the connection it is given and never closes
 * it, so `close()` (and `await using`) only stops this snapshot store. Several
 * processes may share the file.
 *
 * @example
 * ```ts
 * import { SqliteEventStore, SqliteSnapshotStore } from 'eventfold/sqlite';
 *
 * await using store = new SqliteEventStore('events.db');
 * await using snapshots = new SqliteSnapshotStore(store); // or new SqliteSnapshotStore(db), a better-sqlite3 Database
 * const accounts = new AggregateRepository(store, BankAccount, { snapshots: { store: snapshots, policy: 100 } });
 * ```
 */
export class SqliteSnapshotStore implements SnapshotStore {
  /** The better-sqlite3 connection holding the snapshot table. */
  readonly database: BetterSqlite3.Database;
  readonly #select: Statement<[streamId: string], SnapshotRow>;
  readonly #upsert: Statement<UpsertSnapshotParams>;
  readonly #delete: Statement<[streamId: string]>;
  #closed = false;

  /**
   * Uses the connection of a {@link SqliteEventStore}, or an open better-sqlite3
   * `Database`, and creates or upgrades the snapshot table if needed. Throws an
   * `InvalidOptionError` (option `source`) for anything else, a
   * `DatabaseError` for a closed handle and a `MigrationError` when the table
   * cannot be created or was written by a newer eventfold.
   */
  constructor(source: SqliteEventStore | BetterSqlite3.Database) {
    const db = migratedDatabaseOf(source, 'SqliteSnapshotStore', SNAPSHOT_MIGRATIONS);
    try {
      this.#select = db.prepare<[string], SnapshotRow>(SELECT_SNAPSHOT).raw().safeIntegers(false);
      this.#upsert = db.prepare<UpsertSnapshotParams>(UPSERT_SNAPSHOT).safeIntegers(false);
      this.#delete = db.prepare<[string]>(DELETE_SNAPSHOT).safeIntegers(false);
    } catch (error) {
      throw toDatabaseError(error, `preparing the snapshot statements of "${db.name}"`);
    }
    this.database = db;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async load(streamId: string): Promise<Snapshot | undefined> {
    this.#open();
    assertStreamId(streamId);
    let row: SnapshotRow | undefined;
    try {
      row = this.#select.get(streamId);
    } catch (error) {
      throw toDatabaseError(error, `loading the snapshot of stream "${streamId}"`);
    }
    if (row === undefined) return undefined;
    const [version, schemaVersion, state, createdAt] = row;
    return {
      streamId,
      version,
      schemaVersion,
      state: JSON.parse(state) as unknown,
      createdAt: new Date(createdAt),
    };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async save(snapshot: NewSnapshot): Promise<boolean> {
    this.#open();
    const { streamId, version, schemaVersion, state } = prepareSnapshot(snapshot);
    try {
      return this.#upsert.run(streamId, version, schemaVersion, state, Date.now()).changes > 0;
    } catch (error) {
      throw toDatabaseError(error, `saving the snapshot of stream "${streamId}"`);
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async delete(streamId: string): Promise<boolean> {
    this.#open();
    assertStreamId(streamId);
    try {
      return this.#delete.run(streamId).changes > 0;
    } catch (error) {
      throw toDatabaseError(error, `deleting the snapshot of stream "${streamId}"`);
    }
  }

  /** Stops this snapshot store (idempotent); the connection stays open (it belongs to the event store or to you). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link SqliteSnapshotStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
