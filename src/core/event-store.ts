import type { AppendManyEntry, AppendManyOptions, AppendOptions } from './append-input.js';
import type { EventQuery, QueryReadResult, ReadByQueryOptions } from './event-query.js';
import type { AppendSubscription } from './append-signal.js';
import type { StoreCapabilities } from './capabilities.js';
import type { NewEvent, Recorded, RecordedEvent } from './events.js';
import type { EventFeed } from './feed.js';
import type { Position } from './position.js';
import type { EventRegistry } from './registry.js';
import type { ScavengeOptions, ScavengeReport } from './scavenge.js';
import type {
  SetStreamMetadataOptions,
  SetStreamMetadataResult,
  StreamMetadata,
  StreamMetadataResult,
} from './stream-metadata.js';
import type {
  DeleteStreamOptions,
  DeleteStreamResult,
  TruncateStreamOptions,
} from './stream-deletion.js';

/** The outcome of an append. */
export interface AppendResult {
  readonly streamId: string;
  /** The stream's version after the append: the version of its last event. */
  readonly version: number;
  /** The global position of the append's last event. */
  readonly position: Position;
}

/** Options of {@link EventStore.read}. */
export interface ReadOptions {
  /** The first version to read (inclusive). Forward: default 1. Backward: default the last version. */
  from?: number;
  /** `'forward'` (default, oldest first) or `'backward'` (newest first). */
  direction?: 'forward' | 'backward';
  /** The most events to return. */
  limit?: number;
  /** Throw a {@link StreamNotFoundError} for a stream with no events (default: return it empty at version 0). */
  mustExist?: boolean;
}

/** A stream read back. */
export interface ReadResult<E extends NewEvent = NewEvent> {
  readonly streamId: string;
  /** The stream's current version (of its last event; 0 when it has none), whatever part was read. */
  readonly version: number;
  readonly events: Recorded<E>[];
}

/** Options of {@link EventStore.readAll} and {@link EventStore.readAllPage}. */
export interface ReadAllOptions {
  /** Read events after this position (exclusive); from the start when absent. */
  after?: Position | undefined;
  /** The most events to return in all. */
  limit?: number;
  /** Only events of these types. */
  types?: readonly string[];
  /** Only events of streams in these categories (`Task-123` is in `Task`). Combined with `types` by AND. */
  categories?: readonly string[];
  /** How many events {@link EventStore.readAll} fetches per round trip (default 500). */
  batchSize?: number;
  /** Stops a {@link EventStore.readAll} iteration: the next read rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Filters of the global feed (as in {@link ReadAllOptions}). */
export interface FeedFilter {
  readonly types?: readonly string[] | undefined;
  readonly categories?: readonly string[] | undefined;
}

/** One page of the global feed. */
export interface ReadAllPage<E extends NewEvent = NewEvent> {
  readonly events: Recorded<E>[];
  /** Pass as `after` to read on: the last position read, or the `after` given when nothing was read. */
  readonly next: Position | undefined;
  /** True when the page was not full, so the feed has nothing more now. */
  readonly isEnd: boolean;
}

/** Options of {@link EventStore.listStreams}. */
export interface ListStreamsOptions {
  /** Only streams of this category (`Task` lists `Task-1`, `Task-2`, …). */
  category?: string | undefined;
  /** List the streams whose ids sort after this one (exclusive): pass a page's `next`. */
  after?: string | undefined;
  /** The most streams to return (default 100, at most 10,000). */
  limit?: number;
}

/** One stream as listed by {@link EventStore.listStreams}. */
export interface StreamSummary {
  readonly streamId: string;
  /** Its current version: the version of its last event. */
  readonly version: number;
  /** When its last event was recorded. */
  readonly lastWrite: Date;
}

/** One page of {@link EventStore.listStreams}. */
export interface StreamListPage {
  /** The streams that have events, by stream id in Unicode code point order. */
  readonly streams: StreamSummary[];
  /** Pass as `after` for the next page; `undefined` when no stream comes after this page. */
  readonly next: string | undefined;
}

/**
 * An event store: append with optimistic concurrency, read streams, and read
 * the global feed. Every backend (memory, SQLite, PostgreSQL) implements it
 * with the same semantics, checked by the conformance suite of `eventfold/testing`.
 *
 * @example
 * ```ts
 * const store = await createEventStore('sqlite://events.db');
 * await store.append('Task-1', [TaskCreated({ title: 'Try eventfold' })], { expectedVersion: 0 });
 * const { version, events } = await store.read('Task-1');
 * ```
 */
export interface EventStore extends AsyncDisposable {
  /** The event registry used to validate and revive events, if any. */
  readonly registry: EventRegistry | undefined;
  /** What this store's backend can do. */
  readonly capabilities: StoreCapabilities;
  /**
   * Appends events to a stream atomically (all or none), if its current version
   * satisfies `expectedVersion`; otherwise throws a `ConcurrencyError`
   * with the actual version. Re-appending events with the same ids returns the
   * original result and writes nothing.
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /**
   * Appends to several streams atomically: every entry is written or none.
   * Each entry's `expectedVersion` is checked as `append` checks it (a
   * `ConcurrencyError` names the stream and its actual version); the
   * options' `condition` as `append`'s. Resolves to one result per entry, in
   * order. Re-appending the same events with the same ids returns the
   * original results and writes nothing.
   *
   * @example
   * ```ts
   * await store.appendMany([
   *   { streamId: 'Account-a', events: [Withdrawn({ amount: 10 })], expectedVersion: 3 },
   *   { streamId: 'Account-b', events: [Deposited({ amount: 10 })] },
   * ]);
   * ```
   */
  appendMany(
    entries: readonly AppendManyEntry[],
    options?: AppendManyOptions,
  ): Promise<AppendResult[]>;
  /**
   * Reads the events matching `query` (by type and tags, across streams), in
   * feed order, and the position to pass as `after` in the condition of an
   * append decided on them.
   */
  readByQuery<E extends NewEvent = NewEvent>(
    query: EventQuery,
    options?: ReadByQueryOptions,
  ): Promise<QueryReadResult<E>>;
  /** Reads a stream's events, forward or backward, from a version, up to a limit. */
  read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>>;
  /** Iterates the global feed in commit order, paging under the hood. Never skips an event. */
  readAll<E extends NewEvent = NewEvent>(options?: ReadAllOptions): EventFeed<Recorded<E>>;
  /** Reads one page of the global feed. */
  readAllPage<E extends NewEvent = NewEvent>(options?: ReadAllOptions): Promise<ReadAllPage<E>>;
  /**
   * Whether the stream has at least one event: `false` after a soft delete
   * (until an append re-creates it) and after a hard delete.
   */
  exists(streamId: string): Promise<boolean>;
  /**
   * The stream's current version (0 when it has no events, and after a soft
   * delete until an append re-creates it). Throws a `StreamDeletedError` after a hard delete.
   */
  getVersion(streamId: string): Promise<number>;
  /**
   * Deletes a stream, if its current version satisfies `expectedVersion`
   * (checked atomically, as an append's; a `ConcurrencyError` otherwise).
   * Soft (the default): the stream reads as empty at version 0 and does not
   * exist, until an append (`NoStream` or `Any`) re-creates it with versions
   * continuing after the deleted ones. Hard: a tombstone, and every later
   * append, read, truncation or deletion of the stream throws a
   * `StreamDeletedError`, for good. Either writes a `$StreamDeleted` event
   * (`{ streamId, version, hard }`) to the system stream `$$<streamId>` in the
   * global feed; the deleted events stay in the feed.
   *
   * @example
   * ```ts
   * await store.deleteStream('Task-1', { expectedVersion: 2 });
   * await store.deleteStream('Task-2', { hard: true });
   * ```
   */
  deleteStream(streamId: string, options?: DeleteStreamOptions): Promise<DeleteStreamResult>;
  /**
   * Hides the stream's events before version `before`: reads start there;
   * its version, and the feed, stay as they are. Only moves forward (a lower
   * `before` than a previous one changes nothing).
   *
   * @example
   * ```ts
   * await store.truncateStream('Task-1', { before: 10 }); // reads start at version 10
   * ```
   */
  truncateStream(streamId: string, options: TruncateStreamOptions): Promise<void>;
  /**
   * A stream's metadata and its metadata version (`{}` and 0 when never set,
   * whether the stream has events or not). Throws a `StreamDeletedError` after a hard delete.
   *
   * @example
   * ```ts
   * const { metadata, metadataVersion } = await store.getStreamMetadata('Task-1');
   * ```
   */
  getStreamMetadata(streamId: string): Promise<StreamMetadataResult>;
  /**
   * Replaces a stream's metadata, if its metadata version is
   * `expectedMetadataVersion` (checked atomically; a `ConcurrencyError`
   * otherwise). `maxAge` (seconds) and `maxCount` apply to stream reads at
   * once: they hide older events as a truncation does (the version stays;
   * the global feed keeps them until a scavenge). Resolves to the new
   * metadata version. Throws a `StreamDeletedError` after a hard delete.
   *
   * @example
   * ```ts
   * await store.setStreamMetadata('Log-1', { maxCount: 100 }, { expectedMetadataVersion: 0 });
   * ```
   */
  setStreamMetadata(
    streamId: string,
    metadata: StreamMetadata,
    options?: SetStreamMetadataOptions,
  ): Promise<SetStreamMetadataResult>;
  /**
   * Removes from storage, in batches, the events that deletion, truncation,
   * `maxAge` and `maxCount` hide: every event of tombstoned and soft-deleted
   * streams, the hidden events of the others (their last event stays). The
   * feed then skips their positions; nothing is renumbered; tombstones and
   * versions stay. Resolves to a report of what was removed.
   *
   * @example
   * ```ts
   * const { streams, eventsRemoved } = await store.scavenge();
   * ```
   */
  scavenge(options?: ScavengeOptions): Promise<ScavengeReport>;
  /**
   * Lists the streams that have events, by stream id (Unicode code point
   * order), a page at a time, optionally of one category.
   *
   * @example
   * ```ts
   * const { streams, next } = await store.listStreams({ category: 'Task', limit: 50 });
   * ```
   */
  listStreams(options?: ListStreamsOptions): Promise<StreamListPage>;
  /** The position of the last event of the global feed now, or `undefined` when it is empty. */
  headPosition(): Promise<Position | undefined>;
  /** How many events matching `filter` the feed holds after `after`, counted up to `cap`. */
  countEventsAfter(after: Position | undefined, filter: FeedFilter, cap: number): Promise<number>;
  /**
   * Whether committed events matching `filter` exist after `after` that feed
   * readers cannot see yet (only where {@link StoreCapabilities.delayedVisibility}
   * holds; always `false` elsewhere). A reader that found the end of the feed
   * and gets `true` should read again soon.
   */
  hasPendingEvents(after: Position | undefined, filter: FeedFilter): Promise<boolean>;
  /**
   * Releases the store's resources (what it created; a pool or handle you
   * passed stays open). Idempotent; other calls afterwards throw
   * `StoreClosedError`. `await using store = …` calls it too.
   */
  close(): Promise<void>;
  /**
   * Calls `listener` soon after events are appended (coalesced; a hint only: read
   * the feed to learn what changed, and keep polling for writers the store cannot
   * hear). Every built-in store has it: in-process for memory and SQLite (other
   * processes on the same SQLite file are seen only by polling), `LISTEN/NOTIFY`
   * for PostgreSQL ({@link StoreCapabilities.crossProcessNotifications}).
   * Returns a function that stops listening (also disposable).
   */
  onAppended(listener: () => void): AppendSubscription;
}

/** A recorded event of any type. */
export type AnyRecordedEvent = RecordedEvent;
