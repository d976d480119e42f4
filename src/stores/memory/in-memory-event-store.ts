import { prepareAppend, type AppendOptions } from '../../core/append-input.js';
import { AppendSignal, type AppendSubscription } from '../../core/append-signal.js';
import { StoreClosedError, StreamNotFoundError } from '../../core/errors.js';
import type {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadAllPage,
  ReadResult,
  ReadOptions,
} from '../../core/event-store.js';
import type { NewEvent, Recorded } from '../../core/events.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import { createEventFeed, feedPage, type EventFeed } from '../../core/feed.js';
import { resolveStoredIds, type StoredEventRef } from '../../core/idempotency.js';
import { decodePosition, encodePosition } from '../../core/position.js';
import { normalizeReadAllOptions, normalizeReadOptions } from '../../core/read-options.js';
import { toRecordedEvents, type StoredEventRow } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import { assertStreamId, categoryOf } from '../../core/stream-id.js';
import { MemoryFeedIndex } from './memory-feed-index.js';

/** Options of an {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** Validates events on append and revives them on read. */
  registry?: EventRegistry;
  /** The largest serialised data plus metadata of one event, in bytes (default 1 MiB). */
  maxEventBytes?: number;
}

interface Row extends StoredEventRow {
  readonly seq: number;
  readonly category: string;
}

/**
 * The in-memory event store: the reference semantics of eventfold, with
 * everything the database backends enforce (atomic appends, expected versions,
 * idempotency by event id, a global feed with type and category filters).
 * Events live in the process and are gone when it ends.
 *
 * @example
 * ```ts
 * const store = new InMemoryEventStore();
 * await store.append('Task-1', [TaskCreated({ title: 'Learn event stores' })], { expectedVersion: 0 });
 * ```
 */
export class InMemoryEventStore implements EventStore {
  readonly registry: EventRegistry | undefined;
  readonly #maxEventBytes: number | undefined;
  readonly #rows: Row[] = [];
  readonly #streams = new Map<string, Row[]>();
  readonly #ids = new Map<string, Row>();
  readonly #byType = new MemoryFeedIndex();
  readonly #byCategory = new MemoryFeedIndex();
  readonly #signal = new AppendSignal();
  #closed = false;

  constructor(options: InMemoryEventStoreOptions = {}) {
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
    // Everything below is synchronous: no other append can interleave.
    this.#open();
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
        position: encodePosition(seq),
        id: event.id,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt,
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

  async read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>> {
    this.#open();
    assertStreamId(streamId);
    const { from, backward, limit, mustExist } = normalizeReadOptions(options);
    const rows = this.#streams.get(streamId) ?? [];
    if (mustExist && rows.length === 0) throw new StreamNotFoundError(streamId);
    let selected: Row[];
    if (backward) {
      const start = Math.min(from ?? rows.length, rows.length); // version, inclusive
      const end = limit === Number.POSITIVE_INFINITY ? 0 : Math.max(0, start - limit);
      selected = rows.slice(end, start).reverse();
    } else {
      const start = Math.max((from ?? 1) - 1, 0);
      selected = rows.slice(start, limit === Number.POSITIVE_INFINITY ? undefined : start + limit);
    }
    const events = await toRecordedEvents(selected, this.registry);
    return { streamId, version: rows.length, events: events as Recorded<E>[] };
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
    const afterSeq = after === undefined ? 0 : Number(decodePosition(after, 1)[0]);
    const selected: Row[] = [];
    if (types === undefined && categories === undefined) {
      selected.push(...this.#rows.slice(afterSeq, afterSeq + limit));
    } else {
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
    }
    return feedPage(await toRecordedEvents(selected, this.registry), after, limit);
  }

  async exists(streamId: string): Promise<boolean> {
    return (await this.getVersion(streamId)) > 0;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async getVersion(streamId: string): Promise<number> {
    this.#open();
    assertStreamId(streamId);
    return this.#streams.get(streamId)?.length ?? 0;
  }

  /** Calls `listener` on the next turn of the event loop after appends (coalesced). */
  onAppended(listener: () => void): AppendSubscription {
    this.#open();
    return this.#signal.add(listener);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#signal.clear();
    return Promise.resolve();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
