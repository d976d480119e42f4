import type { PreparedAppend } from '../../core/append-input.js';
import { commitEach } from '../kernel/commit-each.js';
import type { QueryReadSlice, WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { AppendResult } from '../../core/event-store.js';
import type { RecordedEvent } from '../../core/events.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import { resolveStoredIds, type StoredEventRef } from '../../core/idempotency.js';
import { sequencePositions, type Position } from '../../core/position.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import { toRecordedEvents, type StoredEventRow } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import { categoryOf } from '../../core/stream-id.js';
import type {
  EventStoreDriver,
  FeedFilterQuery,
  MaybePromise,
  StreamSlice,
} from '../kernel/event-store-driver.js';
import { MemoryFeedIndex } from './memory-feed-index.js';

interface Row extends StoredEventRow {
  readonly seq: number;
  readonly category: string;
}

/** The in-memory store's capabilities: one process, nothing durable, commits in order. */
export const MEMORY_CAPABILITIES: StoreCapabilities = Object.freeze({
  multiProcess: false,
  durable: false,
  crossProcessNotifications: false,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
});

/**
 * The in-memory driver: arrays and maps in this process. Every operation is
 * synchronous, so no two appends interleave.
 */
export class MemoryDriver implements EventStoreDriver<number> {
  readonly capabilities = MEMORY_CAPABILITIES;
  readonly positions = sequencePositions;
  readonly #registry: EventRegistry | undefined;
  readonly #rows: Row[] = [];
  readonly #streams = new Map<string, Row[]>();
  readonly #ids = new Map<string, Row>();
  readonly #byType = new MemoryFeedIndex();
  readonly #byCategory = new MemoryFeedIndex();
  readonly #signal = new AppendSignal();

  constructor(registry: EventRegistry | undefined) {
    this.#registry = registry;
  }

  commit(units: readonly WriteUnit<number>[]): Promise<WriteOutcome[]> {
    return commitEach(units, (append) => this.append(append));
  }

  readByQuery(): QueryReadSlice {
    throw new Error('readByQuery is not implemented on this backend yet'); // TODO(issue 13)
  }

  append(append: PreparedAppend): AppendResult {
    const stream = this.#streams.get(append.streamId);
    const actual = stream?.length ?? 0;
    if (append.hasProvidedIds) {
      const existing: StoredEventRef[] = [];
      for (const event of append.events) {
        const row = event.idProvided ? this.#ids.get(event.id) : undefined;
        if (row !== undefined) existing.push(row);
      }
      const replay = resolveStoredIds(append, existing, actual);
      if (replay !== undefined) return replay;
    }
    checkExpectedVersion(append.streamId, append.expectedVersion, actual);
    const rows = stream ?? [];
    if (stream === undefined) this.#streams.set(append.streamId, rows);
    const category = categoryOf(append.streamId);
    const recordedAt = new Date();
    let last: Row | undefined;
    for (const event of append.events) {
      const seq = this.#rows.length + 1;
      last = {
        seq,
        category,
        streamId: append.streamId,
        version: rows.length + 1,
        position: sequencePositions.encode(seq),
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt,
        tags: event.tags,
      };
      this.#rows.push(last);
      rows.push(last);
      this.#ids.set(event.id, last);
      this.#byType.add(event.type, seq);
      this.#byCategory.add(category, seq);
    }
    const end = last as Row;
    this.#signal.notify();
    return { streamId: append.streamId, version: end.version, position: end.position };
  }

  readStream(streamId: string, range: NormalizedReadOptions): StreamSlice {
    const { from, backward, limit } = range;
    const rows = this.#streams.get(streamId) ?? [];
    let selected: Row[];
    if (backward) {
      const start = Math.min(from ?? rows.length, rows.length); // version, inclusive
      const end = limit === Number.POSITIVE_INFINITY ? 0 : Math.max(0, start - limit);
      selected = rows.slice(end, start).reverse();
    } else {
      const start = Math.max((from ?? 1) - 1, 0);
      selected = rows.slice(start, limit === Number.POSITIVE_INFINITY ? undefined : start + limit);
    }
    return { version: rows.length, events: toRecordedEvents(selected, this.#registry) };
  }

  readFeed(
    after: number | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): MaybePromise<RecordedEvent[]> {
    return toRecordedEvents(this.#select(after ?? 0, query, query.limit), this.#registry);
  }

  streamVersion(streamId: string): number {
    return this.#streams.get(streamId)?.length ?? 0;
  }

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
    if (types === undefined && categories === undefined) {
      return this.#rows.slice(afterSeq, afterSeq + limit);
    }
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
