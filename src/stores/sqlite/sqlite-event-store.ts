import type BetterSqlite3 from 'better-sqlite3';
import { prepareAppend, type AppendOptions, type PreparedAppend } from '../../core/append-input.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import { StoreClosedError, StreamNotFoundError } from '../../core/errors.js';
import type {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadAllPage,
  ReadOptions,
  ReadResult,
} from '../../core/event-store.js';
import type { NewEvent, Recorded } from '../../core/events.js';
import { createEventFeed, feedPage, type EventFeed } from '../../core/feed.js';
import { decodePosition } from '../../core/position.js';
import { normalizeReadAllOptions, normalizeReadOptions } from '../../core/read-options.js';
import type { EventRegistry } from '../../core/registry.js';
import { assertStreamId } from '../../core/stream-id.js';
import { migrate } from './migrate.js';
import { openDatabase } from './open-database.js';
import { selectFeedPage } from './select-feed-page.js';
import { checkSqliteOptions, type SqliteEventStoreOptions } from './sqlite-event-store-options.js';
import { SqliteStatements } from './sqlite-statements.js';
import type { FeedEventRow, StreamEventRow } from './sql/event-columns.js';
import { feedRowsToRecorded, streamRowsToRecorded } from './recorded-rows.js';
import { toDatabaseError } from './to-database-error.js';
import { writeAppend } from './write-append.js';

/**
 * An event store in one SQLite file (or `:memory:`), on better-sqlite3: WAL
 * mode, one `BEGIN IMMEDIATE` transaction per append, prepared statements, and
 * a schema created and migrated on open. Several processes may share a file.
 * A handle you pass in is configured only as far as the options say, and
 * `close()` leaves it open.
 *
 * @example
 * ```ts
 * const store = new SqliteEventStore('events.db');
 * await store.append('Task-1', [TaskCreated({ title: 'Ship it' })], { expectedVersion: 0 });
 * const { version, events } = await store.read('Task-1');
 * await store.close();
 * ```
 */
export class SqliteEventStore implements EventStore {
  readonly registry: EventRegistry | undefined;
  /** The better-sqlite3 connection (for your own tables in the same file; do not write the eventfold tables). */
  readonly database: BetterSqlite3.Database;
  readonly #owned: boolean;
  readonly #maxEventBytes: number | undefined;
  readonly #statements: SqliteStatements;
  readonly #appendTransaction: (append: PreparedAppend, recordedAt: number) => AppendResult;
  readonly #signal = new AppendSignal();
  #closed = false;

  /** Opens (creating or migrating as needed) a file, `':memory:'`, or an open better-sqlite3 handle. */
  constructor(database: string | BetterSqlite3.Database, options: SqliteEventStoreOptions = {}) {
    checkSqliteOptions(options);
    const { db, owned } = openDatabase(database, options);
    try {
      migrate(db);
      this.#statements = new SqliteStatements(db);
      const transaction = db.transaction((append: PreparedAppend, recordedAt: number) =>
        writeAppend(this.#statements, append, recordedAt),
      );
      this.#appendTransaction = (append, recordedAt) => transaction.immediate(append, recordedAt);
    } catch (error) {
      if (owned) db.close();
      throw toDatabaseError(error, `opening "${db.name}"`);
    }
    this.database = db;
    this.#owned = owned;
    this.registry = options.registry;
    this.#maxEventBytes = options.maxEventBytes;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.#open();
    const append = await prepareAppend(streamId, events, options, {
      registry: this.registry,
      maxEventBytes: this.#maxEventBytes,
    });
    this.#open();
    let result: AppendResult;
    try {
      result = this.#appendTransaction(append, Date.now());
    } catch (error) {
      throw toDatabaseError(error, `appending to stream "${append.streamId}"`);
    }
    this.#signal.notify();
    return result;
  }

  async read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>> {
    this.#open();
    assertStreamId(streamId);
    const { from, backward, limit, mustExist } = normalizeReadOptions(options);
    const sqlLimit = limit === Number.POSITIVE_INFINITY ? -1 : limit;
    let rows: StreamEventRow[];
    let version: number;
    try {
      if (backward) {
        rows = this.#statements.readStreamBackward.all(
          streamId,
          from ?? Number.MAX_SAFE_INTEGER,
          sqlLimit,
        );
        // Read from the end: the first row is the newest event.
        version =
          from === undefined && rows.length > 0
            ? (rows[0] as StreamEventRow)[1]
            : this.#version(streamId);
      } else {
        rows =
          sqlLimit === -1 && (from ?? 1) <= 1
            ? this.#statements.readStream.all(streamId)
            : this.#statements.readStreamForward.all(streamId, from ?? 1, sqlLimit);
        // Read to the end: the last row is the newest event.
        version =
          sqlLimit === -1 && rows.length > 0
            ? (rows[rows.length - 1] as StreamEventRow)[1]
            : this.#version(streamId);
      }
    } catch (error) {
      throw toDatabaseError(error, `reading stream "${streamId}"`);
    }
    if (mustExist && version === 0) throw new StreamNotFoundError(streamId);
    const events = await streamRowsToRecorded(streamId, rows, this.registry);
    return { streamId, version, events: events as Recorded<E>[] };
  }

  readAll<E extends NewEvent = NewEvent>(options?: ReadAllOptions): EventFeed<Recorded<E>> {
    return createEventFeed((page) => this.readAllPage<E>(page), options);
  }

  async readAllPage<E extends NewEvent = NewEvent>(
    options?: ReadAllOptions,
  ): Promise<ReadAllPage<E>> {
    this.#open();
    const { limit, types, categories } = normalizeReadAllOptions(options);
    const after = options?.after;
    // A position past 2^53 loses precision as a number but still compares past every stored one.
    const afterSeq = after === undefined ? 0 : Number(decodePosition(after, 1)[0]);
    if (types?.length === 0 || categories?.length === 0)
      return { events: [], next: after, isEnd: true };
    let rows: FeedEventRow[];
    try {
      rows = selectFeedPage(this.#statements, afterSeq, limit, types, categories);
    } catch (error) {
      throw toDatabaseError(error, 'reading the global feed');
    }
    return feedPage(await feedRowsToRecorded(rows, this.registry), after, limit);
  }

  exists(streamId: string): Promise<boolean> {
    return settle(() => this.#currentVersion(streamId) > 0);
  }

  getVersion(streamId: string): Promise<number> {
    return settle(() => this.#currentVersion(streamId));
  }

  /**
   * Calls `listener` on the next turn of the event loop after appends made
   * through this store (coalesced). Appends by other processes on the same file
   * are not heard: poll the feed for them.
   */
  onAppended(listener: () => void): AppendSubscription {
    this.#open();
    return this.#signal.add(listener);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#signal.clear();
    return settle(() => {
      if (this.#owned) {
        try {
          this.database.close();
        } catch (error) {
          throw toDatabaseError(error, `closing "${this.database.name}"`);
        }
      }
    });
  }

  #currentVersion(streamId: string): number {
    this.#open();
    assertStreamId(streamId);
    try {
      return this.#version(streamId);
    } catch (error) {
      throw toDatabaseError(error, `reading the version of stream "${streamId}"`);
    }
  }

  #version(streamId: string): number {
    return this.#statements.streamVersion.get(streamId) ?? 0;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}

/** Runs `fn` now and returns its result as a promise, rejected rather than thrown. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
