import type BetterSqlite3 from 'better-sqlite3';
import { checkSubject, type ForgetResult, type KeyStore } from '../../core/contracts/key-store.js';
import { StoreClosedError, ValidationError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';
import { migratedDatabaseOf } from './is-better-sqlite-database.js';
import { KEY_MIGRATIONS } from './migrations/index.js';
import type { SqliteEventStore } from './sqlite-event-store.js';
import { PERSONAL_KEYS_TABLE, PERSONAL_STREAMS_TABLE } from './sql/tables.js';
import { toDatabaseError } from './sqlite-database-error.js';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

/** What {@link SqliteKeyStore.forget} also reports: how far the key bytes left the files. */
export interface SqliteForgetResult extends ForgetResult {
  /**
   * Whether the write-ahead log was checkpointed and truncated to zero bytes
   * (false: another connection was reading, so old log frames, which may hold
   * the key, stay until the next checkpoint; call `forget` again or
   * `PRAGMA wal_checkpoint(TRUNCATE)` later). True when the file is not in WAL mode.
   */
  readonly walTruncated: boolean;
}

/**
 * The data keys of crypto-shredding in the SQLite file of the events: the
 * tables `eventfold_personal_keys` (`subject` key, `key` bytes, raw or
 * wrapped, `created_at`) and `eventfold_personal_streams` (`subject`,
 * `stream_id`), created by the migration set `KEY_MIGRATIONS` (recorded in
 * `eventfold_personal_keys_schema`, apart from the event store's migrations).
 *
 * The constructor turns `PRAGMA secure_delete` on for the connection (it
 * stays on: deleted or moved content is overwritten with zeros, in pages and
 * on free pages, a small cost on deletes), so {@link SqliteKeyStore.forget}
 * leaves no copy of the key in the file; it then checkpoints the write-ahead
 * log and truncates it, so the key leaves the `-wal` too. What SQLite cannot promise: copies
 * the file system or a backup made earlier still holds.
 *
 * The store owns nothing: it uses the connection it is given and never
 * closes it.
 *
 * @example
 * ```ts
 * import { SqliteEventStore, SqliteKeyStore } from 'eventfold/sqlite';
 *
 * const db = new Database('events.db');
 * const keys = new SqliteKeyStore(db);
 * await using store = new SqliteEventStore(db, { personalData: { keys } });
 * ```
 */
export class SqliteKeyStore implements KeyStore {
  /** The better-sqlite3 connection holding the key tables. */
  readonly database: BetterSqlite3.Database;
  readonly #load: Statement<[subjects: string], [subject: string, key: Buffer]>;
  readonly #insert: Statement<[subject: string, key: Buffer, createdAt: number]>;
  readonly #select: Statement<[subject: string], [key: Buffer]>;
  readonly #track: Statement<[subject: string, streamId: string]>;
  readonly #streams: Statement<[subject: string], [streamId: string]>;
  readonly #deleteKey: Statement<[subject: string]>;
  readonly #deleteStreams: Statement<[subject: string]>;
  #closed = false;

  /**
   * Uses the connection of a {@link SqliteEventStore}, or an open
   * better-sqlite3 `Database`, and creates or upgrades the key tables if
   * needed. Throws an `InvalidOptionError` (option `source`) for anything
   * else, a `DatabaseError` for a closed handle and a `MigrationError` when
   * the tables cannot be created or were written by a newer eventfold.
   */
  constructor(source: SqliteEventStore | BetterSqlite3.Database) {
    const db = migratedDatabaseOf(source, 'SqliteKeyStore', KEY_MIGRATIONS);
    try {
      db.pragma('secure_delete = ON');
      this.#load = db
        .prepare<[string], [string, Buffer]>(
          `SELECT subject, key FROM ${PERSONAL_KEYS_TABLE} WHERE subject IN (SELECT value FROM json_each(?))`,
        )
        .raw();
      this.#insert = db.prepare<[string, Buffer, number]>(
        `INSERT INTO ${PERSONAL_KEYS_TABLE} (subject, key, created_at) VALUES (?, ?, ?) ON CONFLICT (subject) DO NOTHING`,
      );
      this.#select = db
        .prepare<[string], [Buffer]>(`SELECT key FROM ${PERSONAL_KEYS_TABLE} WHERE subject = ?`)
        .raw();
      this.#track = db.prepare<[string, string]>(
        `INSERT INTO ${PERSONAL_STREAMS_TABLE} (subject, stream_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      );
      this.#streams = db
        .prepare<[string], [string]>(
          `SELECT stream_id FROM ${PERSONAL_STREAMS_TABLE} WHERE subject = ?`,
        )
        .raw();
      this.#deleteKey = db.prepare<[string]>(
        `DELETE FROM ${PERSONAL_KEYS_TABLE} WHERE subject = ?`,
      );
      this.#deleteStreams = db.prepare<[string]>(
        `DELETE FROM ${PERSONAL_STREAMS_TABLE} WHERE subject = ?`,
      );
    } catch (error) {
      throw toDatabaseError(error, `preparing the key statements of "${db.name}"`);
    }
    this.database = db;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    this.#open();
    for (const subject of subjects) checkSubject(subject);
    const out = new Map<string, Uint8Array>();
    if (subjects.length === 0) return out;
    try {
      for (const [subject, key] of this.#load.all(JSON.stringify(subjects))) out.set(subject, key);
    } catch (error) {
      throw toDatabaseError(error, 'loading data keys');
    }
    return out;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async create(subject: string, key: Uint8Array): Promise<Uint8Array> {
    this.#open();
    checkSubject(subject);
    if (!(key instanceof Uint8Array) || key.length === 0)
      throw new ValidationError('Invalid key: expected a non-empty Uint8Array');
    try {
      return this.database.transaction(() => {
        this.#insert.run(subject, Buffer.from(key), Date.now());
        return (this.#select.get(subject) as [Buffer])[0];
      })();
    } catch (error) {
      throw toDatabaseError(error, `creating the data key of subject "${subject}"`);
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async track(subject: string, streamIds: readonly string[]): Promise<void> {
    this.#open();
    checkSubject(subject);
    for (const streamId of streamIds) assertStreamId(streamId);
    try {
      this.database.transaction(() => {
        for (const streamId of streamIds) this.#track.run(subject, streamId);
      })();
    } catch (error) {
      throw toDatabaseError(error, `recording the streams of subject "${subject}"`);
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async forget(subject: string): Promise<SqliteForgetResult> {
    this.#open();
    checkSubject(subject);
    const db = this.database;
    try {
      db.pragma('secure_delete = ON');
      const { forgotten, streams } = db
        .transaction(() => {
          const list = this.#streams.all(subject).map(([streamId]) => streamId);
          this.#deleteStreams.run(subject);
          return { forgotten: this.#deleteKey.run(subject).changes > 0, streams: list };
        })
        .immediate();
      return { forgotten, streams, walTruncated: this.#truncateWal() };
    } catch (error) {
      throw toDatabaseError(error, `forgetting subject "${subject}"`);
    }
  }

  /**
   * Checkpoints the write-ahead log into the file and truncates it, so rows
   * deleted on this connection since (with `secure_delete` on, zeroed) leave
   * the log too: `forgetSubject` calls it after deleting snapshots.
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async so that errors reject rather than throw
  async purge(): Promise<void> {
    this.#open();
    try {
      this.#truncateWal();
    } catch (error) {
      throw toDatabaseError(error, 'checkpointing the write-ahead log');
    }
  }

  /** Stops this key store (idempotent); the connection stays open (it belongs to the event store or to you). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link SqliteKeyStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Checkpoints the whole log into the file and truncates it; false when a reader kept it. */
  #truncateWal(): boolean {
    const mode = this.database.pragma('journal_mode', { simple: true }) as string;
    if (mode.toLowerCase() !== 'wal') return true;
    const [result] = this.database.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy === 0;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
