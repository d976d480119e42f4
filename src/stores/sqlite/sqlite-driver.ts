import type BetterSqlite3 from 'better-sqlite3';
import { commitEach } from '../kernel/commit-each.js';
import type { QueryReadSlice, WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import type { PreparedAppend } from '../../core/append-input.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { AppendResult } from '../../core/event-store.js';
import type { RecordedEvent } from '../../core/events.js';
import { sequencePosition, sequencePositions, type Position } from '../../core/position.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import type { EventRegistry } from '../../core/registry.js';
import type {
  EventStoreDriver,
  FeedFilterQuery,
  MaybePromise,
  StreamSlice,
} from '../kernel/event-store-driver.js';
import { feedRowsToRecorded, streamRowsToRecorded } from './sqlite-rows.js';
import { selectFeedPage } from './sqlite-feed-query.js';
import type { FeedEventRow, StreamEventRow } from './sql/event-columns.js';
import { SqliteStatements } from './sqlite-statements.js';
import { toDatabaseError } from './sqlite-database-error.js';
import { writeAppend } from './sqlite-append.js';

/**
 * SQLite's capabilities: a file shared by processes, read models written in
 * the events' database inside better-sqlite3's synchronous transactions, and
 * in-process wake-ups only.
 */
export const SQLITE_CAPABILITIES: StoreCapabilities = Object.freeze({
  multiProcess: true,
  durable: true,
  crossProcessNotifications: false,
  atomicReadModels: true,
  synchronousTransactions: true,
  delayedVisibility: false,
});

/** The capabilities of an in-memory SQLite database (`:memory:`): one connection, gone with it. */
export const SQLITE_MEMORY_CAPABILITIES: StoreCapabilities = Object.freeze({
  ...SQLITE_CAPABILITIES,
  multiProcess: false,
  durable: false,
});

/**
 * The SQLite driver, on better-sqlite3: prepared statements, one
 * `BEGIN IMMEDIATE` transaction per append; every call is synchronous.
 */
export class SqliteDriver implements EventStoreDriver<number> {
  readonly capabilities: StoreCapabilities;
  readonly positions = sequencePositions;
  readonly #db: BetterSqlite3.Database;
  readonly #owned: boolean;
  readonly #registry: EventRegistry | undefined;
  readonly #statements: SqliteStatements;
  readonly #appendTransaction: (append: PreparedAppend, recordedAt: number) => AppendResult;
  readonly #signal = new AppendSignal();

  /** Prepares the statements on a migrated database; `owned`: closing the driver closes it. */
  constructor(db: BetterSqlite3.Database, owned: boolean, registry: EventRegistry | undefined) {
    this.#db = db;
    this.#owned = owned;
    this.#registry = registry;
    this.capabilities = db.memory ? SQLITE_MEMORY_CAPABILITIES : SQLITE_CAPABILITIES;
    this.#statements = new SqliteStatements(db);
    const transaction = db.transaction((append: PreparedAppend, recordedAt: number) =>
      writeAppend(this.#statements, append, recordedAt),
    );
    this.#appendTransaction = (append, recordedAt) => transaction.immediate(append, recordedAt);
  }

  commit(units: readonly WriteUnit<number>[]): Promise<WriteOutcome[]> {
    return commitEach(units, (append) => this.append(append));
  }

  readByQuery(): QueryReadSlice {
    throw new Error('readByQuery is not implemented on this backend yet'); // TODO(issue 13)
  }

  append(append: PreparedAppend): AppendResult {
    let result: AppendResult;
    try {
      result = this.#appendTransaction(append, Date.now());
    } catch (error) {
      throw toDatabaseError(error, `appending to stream "${append.streamId}"`);
    }
    this.#signal.notify();
    return result;
  }

  readStream(streamId: string, range: NormalizedReadOptions): StreamSlice {
    const { from, backward, limit } = range;
    const sqlLimit = limit === Number.POSITIVE_INFINITY ? -1 : limit;
    const statements = this.#statements;
    let rows: StreamEventRow[];
    let version: number;
    try {
      if (backward) {
        rows = statements.readStreamBackward.all(
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
            ? statements.readStream.all(streamId)
            : statements.readStreamForward.all(streamId, from ?? 1, sqlLimit);
        // Read to the end: the last row is the newest event.
        version =
          sqlLimit === -1 && rows.length > 0
            ? (rows[rows.length - 1] as StreamEventRow)[1]
            : this.#version(streamId);
      }
    } catch (error) {
      throw toDatabaseError(error, `reading stream "${streamId}"`);
    }
    return {
      version,
      events: version === 0 ? [] : streamRowsToRecorded(streamId, rows, this.#registry),
    };
  }

  readFeed(
    after: number | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): MaybePromise<RecordedEvent[]> {
    let rows: FeedEventRow[];
    try {
      rows = selectFeedPage(
        this.#statements,
        after ?? 0,
        query.limit,
        query.types,
        query.categories,
      );
    } catch (error) {
      throw toDatabaseError(error, 'reading the global feed');
    }
    return feedRowsToRecorded(rows, this.#registry);
  }

  streamVersion(streamId: string): number {
    try {
      return this.#version(streamId);
    } catch (error) {
      throw toDatabaseError(error, `reading the version of stream "${streamId}"`);
    }
  }

  headPosition(): Position | undefined {
    try {
      const head = this.#statements.head.get() ?? null;
      return head === null ? undefined : sequencePosition(head);
    } catch (error) {
      throw toDatabaseError(error, 'reading the head of the feed');
    }
  }

  countEventsAfter(after: number | undefined, filter: FeedFilterQuery, cap: number): number {
    const { types, categories } = filter;
    const params: unknown[] = [after ?? 0];
    if (types !== undefined) params.push(JSON.stringify(types));
    if (categories !== undefined) params.push(JSON.stringify(categories));
    params.push(cap);
    try {
      return (
        this.#statements
          .countEvents(types !== undefined, categories !== undefined)
          .get(...params) ?? 0
      );
    } catch (error) {
      throw toDatabaseError(error, 'counting events');
    }
  }

  hasPendingEvents(): boolean {
    return false; // one writer at a time: commits are visible in position order
  }

  /**
   * Calls `listener` on the next turn of the event loop after appends made
   * through this store (coalesced). Appends by other processes on the same file
   * are not heard: poll the feed for them.
   */
  onAppended(listener: () => void): AppendSubscription {
    return this.#signal.add(listener);
  }

  close(): Promise<void> {
    this.#signal.clear();
    if (!this.#owned) return Promise.resolve();
    try {
      this.#db.close();
    } catch (error) {
      return Promise.reject(toDatabaseError(error, `closing "${this.#db.name}"`));
    }
    return Promise.resolve();
  }

  #version(streamId: string): number {
    return this.#statements.streamVersion.get(streamId) ?? 0;
  }
}
