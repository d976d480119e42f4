import type BetterSqlite3 from 'better-sqlite3';
import type { QueryReadSlice, WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import type { NormalizedQuery } from '../../core/event-query.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { RecordedEvent } from '../../core/events.js';
import { sequencePosition, sequencePositions, type Position } from '../../core/position.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import type { EventRegistry } from '../../core/registry.js';
import type { PersonalDataCipher } from '../../core/personal-data.js';
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
import { isBusy, toDatabaseError } from './sqlite-database-error.js';
import { writeUnits } from './sqlite-append.js';
import { planEventQuery } from './sql/event-query.js';
import { listSqliteStreams } from './sqlite-list-streams.js';
import type { NormalizedListStreamsOptions } from '../../core/list-streams.js';
import type { StreamSummary } from '../../core/event-store.js';
import { EventfoldError, StreamDeletedError } from '../../core/errors.js';
import type { DeleteStreamResult, PreparedDeletion } from '../../core/stream-deletion.js';
import { deleteInTransaction } from './sqlite-delete.js';
import { sqliteStreamStates } from './sqlite-stream-states.js';
import { sqliteLifecycle } from './sqlite-lifecycle.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import type { PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type { StoredStreamMetadata } from '../kernel/event-store-driver.js';

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
  atomicMultiStreamAppends: true,
});

/** The capabilities of an in-memory SQLite database (`:memory:`): one connection, gone with it. */
export const SQLITE_MEMORY_CAPABILITIES: StoreCapabilities = Object.freeze({
  ...SQLITE_CAPABILITIES,
  multiProcess: false,
  durable: false,
});

/**
 * The SQLite driver, on better-sqlite3: prepared statements, one
 * `BEGIN IMMEDIATE` transaction per commit of units; every call is synchronous.
 */
export class SqliteDriver implements EventStoreDriver<number> {
  readonly capabilities: StoreCapabilities;
  readonly positions = sequencePositions;
  /** better-sqlite3 commits synchronously: two commits of one connection never overlap. */
  readonly synchronousCommit = true;
  readonly #db: BetterSqlite3.Database;
  readonly #owned: boolean;
  readonly #registry: EventRegistry | undefined;
  readonly #personalData: PersonalDataCipher | undefined;
  readonly #statements: SqliteStatements;
  readonly #commitTransaction: (
    units: readonly WriteUnit<number>[],
    recordedAt: number,
  ) => WriteOutcome[];
  readonly #queryRead: (query: NormalizedQuery, after: number, limit: number) => QueryRows;
  readonly #signal = new AppendSignal();
  readonly #deleteTransaction: (
    deletion: PreparedDeletion,
    recordedAt: number,
  ) => DeleteStreamResult;
  readonly #truncateTransaction: (streamId: string, before: number) => void;
  readonly #metadataTransaction: (metadata: PreparedStreamMetadata) => number;
  readonly #scavengeTransaction: (streamId: string, limit: number) => ScavengeChunk;

  /** Prepares the statements on a migrated database; `owned`: closing the driver closes it. */
  constructor(
    db: BetterSqlite3.Database,
    owned: boolean,
    registry: EventRegistry | undefined,
    personalData?: PersonalDataCipher,
  ) {
    this.#db = db;
    this.#owned = owned;
    this.#registry = registry;
    this.#personalData = personalData;
    this.capabilities = db.memory ? SQLITE_MEMORY_CAPABILITIES : SQLITE_CAPABILITIES;
    this.#statements = new SqliteStatements(db);
    const statements = this.#statements;
    const commit = db.transaction((units: readonly WriteUnit<number>[], recordedAt: number) =>
      writeUnits(statements, units, recordedAt),
    );
    this.#commitTransaction = (units, recordedAt) => commit.immediate(units, recordedAt);
    const remove = db.transaction((deletion: PreparedDeletion, recordedAt: number) =>
      deleteInTransaction(statements, deletion, recordedAt),
    );
    this.#deleteTransaction = (deletion, recordedAt) => remove.immediate(deletion, recordedAt);
    const truncate = db.transaction((streamId: string, before: number) => {
      sqliteStreamStates.visible(db, streamId, 0); // throws when tombstoned
      sqliteStreamStates.truncate(db, streamId, before);
    });
    this.#truncateTransaction = (streamId, before) => truncate.immediate(streamId, before);
    const setMetadata = db.transaction((metadata: PreparedStreamMetadata) =>
      sqliteLifecycle.setMetadata(db, metadata),
    );
    this.#metadataTransaction = (metadata) => setMetadata.immediate(metadata);
    const scavenge = db.transaction((streamId: string, limit: number) =>
      sqliteLifecycle.scavengeChunk(statements, streamId, limit),
    );
    this.#scavengeTransaction = (streamId, limit) => scavenge.immediate(streamId, limit);
    // A deferred read transaction: the events and the head come from one snapshot.
    this.#queryRead = db.transaction((query: NormalizedQuery, after: number, limit: number) => {
      const plan = planEventQuery(query);
      const rows = statements.readByQuery(plan).all({ ...plan.params, after, limit });
      return { rows, head: statements.head.get() ?? null };
    });
  }

  /**
   * Writes the units in one `BEGIN IMMEDIATE … COMMIT` (one commit, one sync
   * for all of them), each checked on its own; returns once committed. A
   * database error rolls everything back and is thrown, except a file that
   * stayed locked past the busy timeout: no unit is at fault, and retrying
   * each alone would wait as long again, so every unit fails with it.
   */
  commit(units: readonly WriteUnit<number>[]): WriteOutcome[] {
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.#commitTransaction(units, Date.now());
    } catch (error) {
      const failure = toDatabaseError(error, describeCommit(units));
      if (isBusy(error)) return units.map(() => ({ ok: false, error: failure }));
      throw failure;
    }
    if (outcomes.some((outcome) => outcome.ok)) this.#signal.notify();
    return outcomes;
  }

  /**
   * Reads the events matching `query` after `after` (at most `limit`) and the
   * head of the feed in one read transaction: the position is that head, or
   * the last event returned when `limit` cut the read short (never before `after`).
   */
  readByQuery(
    query: NormalizedQuery,
    after: number | undefined,
    limit: number | undefined,
  ): MaybePromise<QueryReadSlice> {
    let read: QueryRows;
    try {
      read = this.#queryRead(query, after ?? 0, limit ?? -1);
    } catch (error) {
      throw toDatabaseError(error, 'reading events by query');
    }
    const { rows, head } = read;
    const last = rows.at(-1);
    const seen =
      limit !== undefined && last !== undefined && rows.length >= limit
        ? last[0]
        : Math.max(head ?? 0, after ?? 0);
    const position = seen === 0 ? undefined : sequencePosition(seen);
    const events = feedRowsToRecorded(rows, this.#registry, this.#personalData);
    return events instanceof Promise
      ? events.then((list) => ({ events: list, position }))
      : { events, position };
  }

  readStream(streamId: string, range: NormalizedReadOptions): StreamSlice {
    const { from, backward, limit } = range;
    const sqlLimit = limit === Number.POSITIVE_INFINITY ? -1 : limit;
    const statements = this.#statements;
    let rows: StreamEventRow[];
    let version: number;
    let start: number;
    try {
      const state = sqliteStreamStates.row(this.#db, streamId); // throws when tombstoned
      const visibility = (stored: number) =>
        sqliteStreamStates.visibilityOf(this.#db, streamId, state, stored);
      start = state === undefined ? 1 : visibility(this.#version(streamId)).start;
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
        const first = Math.max(from ?? 1, start);
        rows =
          sqlLimit === -1 && first <= 1
            ? statements.readStream.all(streamId)
            : statements.readStreamForward.all(streamId, first, sqlLimit);
        // Read to the end: the last row is the newest event.
        version =
          sqlLimit === -1 && rows.length > 0
            ? (rows[rows.length - 1] as StreamEventRow)[1]
            : this.#version(streamId);
      }
      version = visibility(version).version;
    } catch (error) {
      if (StreamDeletedError.is(error)) throw error;
      throw toDatabaseError(error, `reading stream "${streamId}"`);
    }
    // Newest first, so the hidden versions (below `start`) are the tail of a backward read.
    if (backward && start > 1) rows = rows.filter((row) => row[1] >= start);
    return {
      version,
      events:
        version === 0
          ? []
          : streamRowsToRecorded(streamId, rows, this.#registry, this.#personalData),
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
    return feedRowsToRecorded(rows, this.#registry, this.#personalData);
  }

  streamVersion(streamId: string): number {
    try {
      return sqliteStreamStates.visible(this.#db, streamId, this.#version(streamId)).version;
    } catch (error) {
      if (StreamDeletedError.is(error)) throw error;
      throw toDatabaseError(error, `reading the version of stream "${streamId}"`);
    }
  }

  deleteStream(deletion: PreparedDeletion): DeleteStreamResult {
    let result: DeleteStreamResult;
    try {
      result = this.#deleteTransaction(deletion, Date.now());
    } catch (error) {
      if (EventfoldError.is(error)) throw error;
      throw toDatabaseError(error, `deleting stream "${deletion.streamId}"`);
    }
    if (result.position !== undefined) this.#signal.notify();
    return result;
  }

  truncateStream(streamId: string, before: number): void {
    try {
      this.#truncateTransaction(streamId, before);
    } catch (error) {
      if (EventfoldError.is(error)) throw error;
      throw toDatabaseError(error, `truncating stream "${streamId}"`);
    }
  }

  getStreamMetadata(streamId: string): StoredStreamMetadata {
    return this.#guard(`reading the metadata of stream "${streamId}"`, () =>
      sqliteLifecycle.metadata(this.#db, streamId),
    );
  }

  setStreamMetadata(metadata: PreparedStreamMetadata): number {
    return this.#guard(`setting the metadata of stream "${metadata.streamId}"`, () =>
      this.#metadataTransaction(metadata),
    );
  }

  scavengeTargets(after: string | undefined, limit: number): string[] {
    return this.#guard('listing the streams to scavenge', () =>
      sqliteLifecycle.targets(this.#db, after, limit),
    );
  }

  /** One batch in its own `BEGIN IMMEDIATE` transaction, with `secure_delete` on: removed rows are zeroed. */
  scavengeChunk(streamId: string, limit: number): ScavengeChunk {
    return this.#guard(`scavenging stream "${streamId}"`, () => {
      const before = this.#db.pragma('secure_delete', { simple: true }) as number;
      if (before !== 1) this.#db.pragma('secure_delete = ON');
      try {
        return this.#scavengeTransaction(streamId, limit);
      } finally {
        if (before !== 1) this.#db.pragma(`secure_delete = ${before}`);
      }
    });
  }

  finishScavenge(compact: boolean): void {
    this.#guard('checkpointing after a scavenge', () => sqliteLifecycle.finish(this.#db, compact));
  }

  /** Runs `body`; an error that is not eventfold's becomes a `DatabaseError` saying what was being done. */
  #guard<T>(doing: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (EventfoldError.is(error)) throw error;
      throw toDatabaseError(error, doing);
    }
  }

  listStreams(query: NormalizedListStreamsOptions): StreamSummary[] {
    try {
      return listSqliteStreams(this.#db, query);
    } catch (error) {
      throw toDatabaseError(error, 'listing streams');
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

/** The rows of a query read and the head of the feed at the time. */
interface QueryRows {
  readonly rows: FeedEventRow[];
  readonly head: number | null;
}

/** What a failed commit was doing, for its error: the stream of a lone append, else the count and streams. */
function describeCommit(units: readonly WriteUnit<number>[]): string {
  const streams = units.flatMap((unit) => unit.entries.map((entry) => entry.streamId));
  if (streams.length === 1) return `appending to stream "${streams[0] as string}"`;
  const shown = streams
    .slice(0, 3)
    .map((s) => `"${s}"`)
    .join(', ');
  return `appending to streams ${shown}${streams.length > 3 ? ', …' : ''}`;
}
