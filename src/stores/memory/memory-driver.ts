import type { PreparedAppend } from '../../core/append-input.js';
import type { QueryReadSlice, WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { AppendResult, StreamSummary } from '../../core/event-store.js';
import type { RecordedEvent } from '../../core/events.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import {
  resolveReplayedUnit,
  resolveStoredIds,
  type StoredEventRef,
} from '../../core/idempotency.js';
import { sequencePositions, type Position } from '../../core/position.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import { NO_TAGS, toRecordedEvents, type StoredEventRow } from '../../core/recorded.js';
import { AppendConditionError, StreamDeletedError } from '../../core/errors.js';
import {
  streamDeletedAppend,
  type DeleteStreamResult,
  type PreparedDeletion,
} from '../../core/stream-deletion.js';
import type { PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import type { NormalizedQuery } from '../../core/event-query.js';
import { isPromiseLike } from '../../core/is-promise-like.js';
import type { EventRegistry } from '../../core/registry.js';
import type { PersonalDataCipher } from '../../core/personal-data.js';
import { categoryOf } from '../../core/stream-id.js';
import type {
  EventStoreDriver,
  FeedFilterQuery,
  MaybePromise,
  StoredStreamMetadata,
  StreamSlice,
} from '../kernel/event-store-driver.js';
import {
  memoryVisibility,
  newStreamState,
  setMetadataOf,
  storedMetadataOf,
  type MemoryStreamState,
  type MemoryVisibility,
} from './memory-stream-state.js';
import { liveRows, scavengeMemoryStream, sortedIdsAfter } from './memory-scavenge.js';
import { MemoryFeedIndex } from './memory-feed-index.js';
import { listMemoryStreams } from './memory-list-streams.js';
import type { NormalizedListStreamsOptions } from '../../core/list-streams.js';
import { matchingSeqs, type QueryIndexes } from './memory-query.js';

/** A stored event of the in-memory store. */
export interface Row extends StoredEventRow {
  readonly seq: number;
  readonly category: string;
  readonly tags: readonly string[];
}

/** The in-memory store's capabilities: one process, nothing durable, commits in order. */
export const MEMORY_CAPABILITIES: StoreCapabilities = Object.freeze({
  multiProcess: false,
  durable: false,
  crossProcessNotifications: false,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
  atomicMultiStreamAppends: true,
});

/**
 * The in-memory driver: arrays and maps in this process. Every operation is
 * synchronous, so no two commits interleave; it is the reference for what the
 * database drivers do.
 */
export class MemoryDriver implements EventStoreDriver<number> {
  readonly capabilities = MEMORY_CAPABILITIES;
  readonly positions = sequencePositions;
  readonly synchronousCommit = true;
  readonly #registry: EventRegistry | undefined;
  readonly #personalData: PersonalDataCipher | undefined;
  /** By global sequence number − 1; a hole where a scavenge removed the event. */
  readonly #rows: (Row | undefined)[] = [];
  readonly #streams = new Map<string, Row[]>();
  readonly #ids = new Map<string, Row>();
  readonly #byType = new MemoryFeedIndex();
  readonly #byCategory = new MemoryFeedIndex();
  readonly #byTag = new MemoryFeedIndex();
  readonly #indexList = [this.#byType, this.#byCategory, this.#byTag] as const;
  readonly #indexes: QueryIndexes = {
    rowAt: (seq) => this.#rows[seq - 1],
    head: () => this.#rows.length,
    byType: this.#byType,
    byTag: this.#byTag,
  };
  readonly #signal = new AppendSignal();
  /** Per stream: its latest soft delete, its truncation, its tombstone, its metadata. */
  readonly #states = new Map<string, MemoryStreamState>();

  constructor(registry: EventRegistry | undefined, personalData?: PersonalDataCipher) {
    this.#registry = registry;
    this.#personalData = personalData;
  }

  /** Writes the units in order, each checked in full before any of it is written. */
  commit(units: readonly WriteUnit<number>[]): WriteOutcome[] {
    const outcomes: WriteOutcome[] = [];
    let wrote = false;
    for (const unit of units) {
      try {
        const replayed = this.#replays(unit);
        if (replayed !== undefined) {
          outcomes.push({ ok: true, results: replayed });
          continue;
        }
        for (const entry of unit.entries)
          if (this.#states.get(entry.streamId)?.hard === true)
            throw new StreamDeletedError(entry.streamId);
        for (const entry of unit.entries)
          checkExpectedVersion(
            entry.streamId,
            entry.expectedVersion,
            this.streamVersion(entry.streamId),
          );
        const condition = unit.condition;
        if (
          condition !== undefined &&
          this.#firstMatch(condition.query, condition.after) !== undefined
        )
          throw new AppendConditionError(
            unit.entries.map((e) => e.streamId),
            condition.position,
          );
        outcomes.push({ ok: true, results: unit.entries.map((entry) => this.#insert(entry)) });
        wrote = true;
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    if (wrote) this.#signal.notify();
    return outcomes;
  }

  readByQuery(
    query: NormalizedQuery,
    after: number | undefined,
    limit: number | undefined,
  ): MaybePromise<QueryReadSlice> {
    const afterSeq = after ?? 0;
    const max = limit ?? Number.POSITIVE_INFINITY;
    const rows: Row[] = [];
    if (max > 0) {
      for (const seq of matchingSeqs(query, afterSeq, this.#indexes)) {
        rows.push(this.#rows[seq - 1] as Row);
        if (rows.length >= max) break;
      }
    }
    const head = this.#rows.length;
    const seen = rows.length >= max ? (rows.at(-1) as Row).seq : Math.max(head, afterSeq);
    const position = seen === 0 ? undefined : sequencePositions.encode(seen);
    const events = toRecordedEvents(rows, this.#registry, this.#personalData);
    return isPromiseLike(events)
      ? Promise.resolve(events).then((list) => ({ events: list, position }))
      : { events, position };
  }

  /**
   * The original results when every entry of `unit` is an idempotent replay;
   * `undefined` when none is; an `EventIdConflictError` when only some are.
   */
  #replays(unit: WriteUnit<number>): AppendResult[] | undefined {
    const { entries } = unit;
    if (!entries.some((e) => e.hasProvidedIds)) return undefined;
    const versions = entries.map((e) => this.streamVersion(e.streamId));
    const replays = entries.map((e) => (e.hasProvidedIds ? this.#replay(e) : undefined));
    return resolveReplayedUnit(entries, replays, versions);
  }

  /** The original result when `append`'s ids are stored as the same events (else `undefined`). */
  #replay(append: PreparedAppend): AppendResult | undefined {
    const existing: StoredEventRef[] = [];
    for (const event of append.events) {
      const row = event.idProvided ? this.#ids.get(event.id) : undefined;
      if (row !== undefined) existing.push(row);
    }
    return resolveStoredIds(append, existing, this.streamVersion(append.streamId));
  }

  /** The first event matching `query` after `after`, if any. */
  #firstMatch(query: NormalizedQuery, after: number | undefined): number | undefined {
    for (const seq of matchingSeqs(query, after ?? 0, this.#indexes)) return seq;
    return undefined;
  }

  /** Writes one checked append. */
  #insert(append: PreparedAppend): AppendResult {
    let rows = this.#streams.get(append.streamId);
    if (rows === undefined) {
      rows = [];
      this.#streams.set(append.streamId, rows);
    }
    const category = categoryOf(append.streamId);
    const recordedAt = new Date();
    let version = this.#states.get(append.streamId)?.removed ?? 0;
    if (rows.length > 0) version = (rows.at(-1) as Row).version;
    let last: Row | undefined;
    for (const event of append.events) {
      const seq = this.#rows.length + 1;
      const tags = event.tags.length === 0 ? NO_TAGS : Object.freeze([...event.tags]);
      last = {
        seq,
        category,
        streamId: append.streamId,
        version: ++version,
        position: sequencePositions.encode(seq),
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt,
        tags,
        schemaVersion: event.schemaVersion ?? null,
      };
      this.#rows.push(last);
      rows.push(last);
      this.#ids.set(event.id, last);
      this.#byType.add(event.type, seq);
      this.#byCategory.add(category, seq);
      for (const tag of tags) this.#byTag.add(tag, seq);
    }
    const end = last as Row;
    return { streamId: append.streamId, version: end.version, position: end.position };
  }

  readStream(streamId: string, range: NormalizedReadOptions): StreamSlice {
    const { from, backward, limit } = range;
    const visible = this.#visible(streamId);
    // Versions follow each other (rows[i] has version base + i + 1); only versions ≥ `first` are read.
    const rows = this.#streams.get(streamId) ?? [];
    const base = visible.last - rows.length; // versions removed by a scavenge
    const first = Math.min(visible.start, visible.last + 1) - base - 1; // index of the first visible row
    let selected: Row[];
    if (backward) {
      const start = Math.min(from ?? visible.last, visible.last) - base; // index after the newest read
      const end = limit === Number.POSITIVE_INFINITY ? first : Math.max(first, start - limit);
      selected = start > end ? rows.slice(end, start).reverse() : [];
    } else {
      const start = Math.max((from ?? 1) - base - 1, first);
      selected = rows.slice(start, limit === Number.POSITIVE_INFINITY ? undefined : start + limit);
    }
    return {
      version: visible.version,
      events: toRecordedEvents(selected, this.#registry, this.#personalData),
    };
  }

  readFeed(
    after: number | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): MaybePromise<RecordedEvent[]> {
    return toRecordedEvents(
      this.#select(after ?? 0, query, query.limit),
      this.#registry,
      this.#personalData,
    );
  }

  streamVersion(streamId: string): number {
    return this.#visible(streamId).version;
  }

  /** The first visible version, the visible version and the last version of a stream; throws when it is tombstoned. */
  #visible(streamId: string, tombstones = false): MemoryVisibility {
    const rows = this.#streams.get(streamId) ?? [];
    return memoryVisibility(streamId, rows, this.#states.get(streamId), tombstones);
  }

  deleteStream(deletion: PreparedDeletion): DeleteStreamResult {
    const { streamId, expectedVersion, hard } = deletion;
    const visible = this.#visible(streamId);
    checkExpectedVersion(streamId, expectedVersion, visible.version);
    const last = visible.last;
    if (!hard && visible.version === 0) return { streamId, version: last, position: undefined };
    const state = this.#stateOf(streamId);
    if (hard) state.hard = true;
    else state.deletedVersion = last;
    const { position } = this.#insert(streamDeletedAppend(streamId, last, hard));
    this.#signal.notify();
    return { streamId, version: last, position };
  }

  truncateStream(streamId: string, before: number): void {
    this.#visible(streamId); // throws when tombstoned
    const state = this.#stateOf(streamId);
    state.truncateBefore = Math.max(state.truncateBefore ?? 1, before);
  }

  #stateOf(streamId: string): MemoryStreamState {
    let state = this.#states.get(streamId);
    if (state === undefined) {
      state = newStreamState();
      this.#states.set(streamId, state);
    }
    return state;
  }

  getStreamMetadata(streamId: string): StoredStreamMetadata {
    return storedMetadataOf(streamId, this.#states.get(streamId));
  }

  setStreamMetadata(metadata: PreparedStreamMetadata): number {
    this.#visible(metadata.streamId); // throws when tombstoned
    return setMetadataOf(this.#stateOf(metadata.streamId), metadata);
  }

  scavengeTargets(after: string | undefined, limit: number): string[] {
    return sortedIdsAfter(this.#states.keys(), after, limit);
  }

  scavengeChunk(streamId: string, limit: number): ScavengeChunk {
    const state = this.#states.get(streamId);
    const rows = this.#streams.get(streamId);
    if (state === undefined || rows === undefined) return { removed: 0, tombstoned: false };
    const target = { rows: this.#rows, ids: this.#ids, indexes: this.#indexList };
    const removed = scavengeMemoryStream(target, rows, state, this.#visible(streamId, true), limit);
    return { removed, tombstoned: state.hard };
  }

  /** Nothing to give back: removed events are garbage for the JavaScript engine. */
  finishScavenge(): void {}

  listStreams(query: NormalizedListStreamsOptions): StreamSummary[] {
    return listMemoryStreams(this.#streams, query, (streamId) => {
      const state = this.#states.get(streamId);
      if (state === undefined) return true;
      if (state.hard) return false;
      const last = this.#visible(streamId).last;
      return state.deletedVersion === null || last > state.deletedVersion;
    });
  }

  /** Never a hole: a scavenge keeps the feed's last event. */
  headPosition(): Position | undefined {
    return this.#rows.at(-1)?.position;
  }

  countEventsAfter(after: number | undefined, filter: FeedFilterQuery, cap: number): number {
    return this.#select(after ?? 0, filter, cap).length;
  }

  hasPendingEvents(): boolean {
    return false; // commits are visible at once, in order
  }

  onAppended(listener: () => void): AppendSubscription {
    return this.#signal.add(listener);
  }

  close(): Promise<void> {
    this.#signal.clear();
    return Promise.resolve();
  }

  /** The rows after `afterSeq` matching the filters, up to `limit`. */
  #select(afterSeq: number, filter: FeedFilterQuery, limit: number): Row[] {
    const { types, categories } = filter;
    if (types === undefined && categories === undefined)
      return liveRows(this.#rows, afterSeq, limit);
    const selected: Row[] = [];
    const wanted =
      types !== undefined && categories !== undefined ? new Set(categories) : undefined;
    const seqs =
      types !== undefined
        ? this.#byType.after(types, afterSeq)
        : this.#byCategory.after(categories ?? [], afterSeq);
    for (const seq of seqs) {
      const row = this.#rows[seq - 1] as Row;
      if (wanted !== undefined && !wanted.has(row.category)) continue;
      selected.push(row);
      if (selected.length === limit) break;
    }
    return selected;
  }
}
