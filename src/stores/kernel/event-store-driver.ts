import type { PreparedAppend } from '../../core/append-input.js';
import type { NormalizedQuery } from '../../core/event-query.js';
import type { AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { AppendResult, StreamSummary } from '../../core/event-store.js';
import type { NormalizedListStreamsOptions } from '../../core/list-streams.js';
import type { RecordedEvent } from '../../core/events.js';
import type { FeedEnd } from '../../core/contracts/feed-end.js';
import type { PositionCodec, Position } from '../../core/position.js';
import type { DeleteStreamResult, PreparedDeletion } from '../../core/stream-deletion.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import type { PreparedStreamMetadata } from '../../core/stream-metadata.js';

/** A value, or a promise of one: synchronous drivers (better-sqlite3, memory) answer at once. */
export type MaybePromise<T> = T | Promise<T>;

/** What a driver read of one stream: its current version and the events asked for. */
export interface StreamSlice {
  /** The stream's current version (0 when it has no events), whatever part was read. */
  readonly version: number;
  /** The events read, in the order asked for (revived through the registry). */
  readonly events: MaybePromise<RecordedEvent[]>;
}

/** A condition with its position decoded (for backend authors). */
export interface DecodedCondition<Cursor> {
  /** The events that must not exist after `after`. */
  readonly query: NormalizedQuery;
  /** Only events after this cursor count (`undefined`: every event). */
  readonly after: Cursor | undefined;
  /** `after` as the caller gave it, for the error. */
  readonly position: Position | undefined;
}

/**
 * One all-or-nothing write (for backend authors): an `append` (one entry) or
 * an `appendMany` (several entries, distinct streams), with its condition.
 */
export interface WriteUnit<Cursor> {
  readonly entries: readonly PreparedAppend[];
  readonly condition: DecodedCondition<Cursor> | undefined;
}

/** What became of one {@link WriteUnit}: its results (one per entry, in order), or why nothing of it was written. */
export type WriteOutcome =
  | { readonly ok: true; readonly results: readonly AppendResult[] }
  | { readonly ok: false; readonly error: unknown };

/** How much the kernel may put in one {@link EventStoreDriver.commit} (for backend authors). */
export interface GroupLimits {
  /** The most units in one commit (default 1,000; 1 turns group commit off). */
  readonly maxUnits?: number;
  /** The most events in one commit (default 10,000; a larger unit still goes, alone). */
  readonly maxEvents?: number;
  /**
   * How many commits an asynchronous driver may have in flight at once
   * (default 2): writes queue, and group, only while every slot is busy. A
   * commit in flight for longer than 200 ms stops counting (it is stuck).
   */
  readonly maxCommitsInFlight?: number;
}

/** A stream's metadata as a driver stores it. */
export interface StoredStreamMetadata {
  readonly json: string | null;
  readonly version: number;
}

/** What a driver's query read returns: the matching events and the position the read saw up to. */
export interface QueryReadSlice {
  readonly events: RecordedEvent[];
  readonly position: Position | undefined;
}

/** Feed filters, checked: `undefined` matches all; lists are distinct and never empty. */
export interface FeedFilterQuery {
  readonly types: readonly string[] | undefined;
  readonly categories: readonly string[] | undefined;
}

/**
 * What a backend provides beneath the one {@link EventStoreKernel} (for backend
 * authors): storage I/O only. Input checks, the closed state, option
 * validation, read normalisation, `mustExist`, feed paging, empty-filter
 * short-circuits and disposal are the kernel's and behave the same on every
 * backend. `Cursor` is the driver's decoded form of a position.
 *
 * A driver is done when the conformance suite of `eventfold/testing` passes on it.
 */
export interface EventStoreDriver<Cursor> {
  /** What the backend can do. */
  readonly capabilities: StoreCapabilities;
  /** How the backend's positions are written and read. */
  readonly positions: PositionCodec<Cursor>;
  /**
   * Writes checked units, together where it can (one transaction, one commit),
   * each all-or-nothing and checked on its own: for every entry, resolves
   * stored ids first when it carries its own (`resolveStoredIds`), checks the
   * expected version against the version read in the transaction
   * (`checkExpectedVersion`); checks the unit's condition; inserts. A unit
   * that fails a check is left out and gets its error; the others are
   * written. Resolves to one outcome per unit, in order, once the writes are
   * durable; then wakes `onAppended` listeners. Rejects only when the whole
   * commit failed (nothing written).
   */
  commit(units: readonly WriteUnit<Cursor>[]): MaybePromise<readonly WriteOutcome[]>;
  /**
   * Whether `commit` answers synchronously (better-sqlite3, memory), so two
   * commits never overlap: the kernel then defers the first write of a burst
   * to the end of the event-loop turn, to commit the writes started together
   * in one call. Unset: learned from `commit`'s first answer (a promise or not).
   */
  readonly synchronousCommit?: boolean;
  /**
   * The most units and events the kernel may send in one `commit` (defaults:
   * 1,000 units, 10,000 events; a larger unit still goes, alone). `maxUnits: 1`
   * turns group commit off.
   */
  readonly groupLimits?: GroupLimits;
  /**
   * Reads the events matching `query` after `after`, in feed order, up to
   * `limit`, and the position the read saw up to (see `QueryReadResult.position`).
   */
  readByQuery(
    query: NormalizedQuery,
    after: Cursor | undefined,
    limit: number | undefined,
  ): MaybePromise<QueryReadSlice>;
  /**
   * Reads a range of one stream (the stream id is already checked): only
   * versions from its first visible one (after a soft delete or a truncation;
   * see `visibleStream`), with its visible version. A tombstoned stream throws
   * a `StreamDeletedError`.
   */
  readStream(streamId: string, range: NormalizedReadOptions): MaybePromise<StreamSlice>;
  /**
   * Deletes a stream in one transaction: throws a `StreamDeletedError` when
   * it is tombstoned, checks the expected version against its visible
   * version, records the deletion (soft: the last version, hidden from then
   * on; hard: a tombstone that appends in any transaction check), and
   * appends a `$StreamDeleted` event to `$$<streamId>` (none for a soft
   * delete of a stream at visible version 0). Wakes `onAppended` listeners
   * when it wrote one.
   */
  deleteStream(deletion: PreparedDeletion): MaybePromise<DeleteStreamResult>;
  /** Raises the stream's first visible version to `before` (never lowers it); a tombstoned stream throws a `StreamDeletedError`. */
  truncateStream(streamId: string, before: number): MaybePromise<void>;
  /**
   * A stream's stored metadata (JSON text, `null` when never set) and its
   * metadata version (0 when never set); a tombstoned stream throws a `StreamDeletedError`.
   */
  getStreamMetadata(streamId: string): MaybePromise<StoredStreamMetadata>;
  /**
   * Replaces a stream's metadata in one transaction: throws a
   * `StreamDeletedError` when it is tombstoned, checks the expected metadata
   * version (`checkMetadataVersion`), stores it; resolves to the new version.
   */
  setStreamMetadata(metadata: PreparedStreamMetadata): MaybePromise<number>;
  /**
   * Up to `limit` ids of streams, after `after` in id order, that a scavenge
   * may have to clean: tombstoned, soft-deleted, truncated, or with a
   * retention rule.
   */
  scavengeTargets(after: string | undefined, limit: number): MaybePromise<string[]>;
  /**
   * Removes up to `limit` of the stream's events that `scavengeBelow` gives
   * (lowest versions first, with their tags) in one transaction, under the
   * same locks as appends: never a feed position that readers may not have
   * passed yet, never one that could be handed out again. Keeps the stream's
   * version (soft-deleted streams go on numbering after it) and its tombstone.
   */
  scavengeChunk(streamId: string, limit: number): MaybePromise<ScavengeChunk>;
  /** After a scavenge: leaves no removed bytes in the files (checkpoint, vacuum); `compact` gives space back. */
  finishScavenge(compact: boolean): MaybePromise<void>;
  /** Reads up to `query.limit` events of the feed after `after` (`undefined`: from the start). */
  readFeed(
    after: Cursor | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): MaybePromise<RecordedEvent[]>;
  /** The stream's visible version (0 when it has no events or was soft-deleted); a tombstoned stream throws a `StreamDeletedError`. */
  streamVersion(streamId: string): MaybePromise<number>;
  /** The position of the feed's last event now. */
  headPosition(): MaybePromise<Position | undefined>;
  /**
   * Up to `query.limit` streams that have events, of `query.category` when
   * set, whose ids sort after `query.after` (code point order, the order of
   * their UTF-8 bytes), in that order.
   */
  listStreams(query: NormalizedListStreamsOptions): MaybePromise<StreamSummary[]>;
  /**
   * Where "only new events" begins (optional): a driver whose feed can hold
   * committed events back (`delayedVisibility`) names those committed before
   * now that lie after its head. Without it, the kernel uses `headPosition()`.
   */
  feedEnd?(): MaybePromise<FeedEnd>;
  /** How many events matching `filter` come after `after`, counted up to `cap`. */
  countEventsAfter(
    after: Cursor | undefined,
    filter: FeedFilterQuery,
    cap: number,
  ): MaybePromise<number>;
  /** Whether committed events matching `filter` after `after` are not yet visible to feed readers. */
  hasPendingEvents(after: Cursor | undefined, filter: FeedFilterQuery): MaybePromise<boolean>;
  /** Calls `listener` soon after appends (coalesced; a hint). */
  onAppended(listener: () => void): AppendSubscription;
  /** Releases what the driver created; called once. */
  close(): Promise<void>;
}
