import {
  prepareAppend,
  prepareAppendMany,
  type AppendManyEntry,
  type AppendManyOptions,
  type AppendOptions,
  type PreparedCondition,
} from '../../core/append-input.js';
import {
  normalizeEventQuery,
  type EventQuery,
  type QueryReadResult,
  type ReadByQueryOptions,
} from '../../core/event-query.js';
import type { AppendSubscription } from '../../core/append-signal.js';
import type { StoreCapabilities } from '../../core/capabilities.js';
import { StoreClosedError, StreamDeletedError, StreamNotFoundError } from '../../core/errors.js';
import type {
  AppendResult,
  EventStore,
  FeedFilter,
  ListStreamsOptions,
  ReadAllOptions,
  ReadAllPage,
  ReadOptions,
  ReadResult,
  StreamListPage,
} from '../../core/event-store.js';
import { normalizeListStreamsOptions } from '../../core/list-streams.js';
import type { NewEvent, Recorded } from '../../core/events.js';
import { createEventFeed, feedPage, type EventFeed } from '../../core/feed.js';
import { checkOption } from '../../core/options.js';
import type { Position } from '../../core/position.js';
import { normalizeReadAllOptions, normalizeReadOptions } from '../../core/read-options.js';
import type { EventRegistry } from '../../core/registry.js';
import type { ResolvedEventStoreOptions } from '../../core/store-options.js';
import { assertStreamId } from '../../core/stream-id.js';
import {
  assertWritableStreamId,
  prepareDeletion,
  prepareTruncation,
  type DeleteStreamOptions,
  type DeleteStreamResult,
  type TruncateStreamOptions,
} from '../../core/stream-deletion.js';
import {
  parseStoredMetadata,
  prepareStreamMetadata,
  type SetStreamMetadataOptions,
  type SetStreamMetadataResult,
  type StreamMetadata,
  type StreamMetadataResult,
} from '../../core/stream-metadata.js';
import { prepareScavenge, type ScavengeOptions, type ScavengeReport } from '../../core/scavenge.js';
import { runScavenge } from './scavenge-loop.js';
import { checkFilter, widenFilter, widenQuery } from './feed-filters.js';
import type { DecodedCondition, EventStoreDriver } from './event-store-driver.js';
import { WriteQueue } from './write-queue.js';
import {
  resolveFeedEnd,
  type FeedEnd,
  type FeedEndResolver,
} from '../../core/contracts/feed-end.js';
import { storeObservability, type Observability } from '../../core/observability.js';
import {
  appendAttributes,
  appendManyAttributes,
  entriesWithTraceContext,
  observeAppend,
  observeRead,
  withTraceContext,
} from './observed.js';

/**
 * The one implementation of {@link EventStore}, over a backend's
 * {@link EventStoreDriver} (for backend authors): every backend's store class
 * extends it and adds only what is its own (a database handle, migrations).
 * Checks input before the driver sees it, keeps the closed state, pages the
 * feed, and closes once (`await using` too).
 *
 * @example
 * ```ts
 * class MyEventStore extends EventStoreKernel<number> {
 *   constructor(options?: EventStoreOptions) {
 *     const resolved = resolveEventStoreOptions(options);
 *     super(new MyDriver(resolved.registry), resolved);
 *   }
 * }
 * ```
 */
export class EventStoreKernel<Cursor> implements EventStore, FeedEndResolver {
  /** Validates events on append and revives them on read. */
  readonly registry: EventRegistry | undefined;
  /** What this store's backend can do. */
  readonly capabilities: StoreCapabilities;
  readonly #driver: EventStoreDriver<Cursor>;
  readonly #settings: ResolvedEventStoreOptions;
  readonly #writes: WriteQueue<Cursor>;
  #closing: Promise<void> | undefined;

  /** Wraps `driver`; `options` are the shared options, checked by `resolveEventStoreOptions`. */
  constructor(driver: EventStoreDriver<Cursor>, options: ResolvedEventStoreOptions) {
    this.#driver = driver;
    this.#settings = options;
    this.registry = options.registry;
    this.capabilities = driver.capabilities;
    this.#writes = new WriteQueue(driver);
  }

  /** The `telemetry` and `logger` options, for command handlers and subscriptions on this store. */
  get [storeObservability](): Observability {
    return this.#settings;
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    const telemetry = this.#settings.telemetry;
    if (telemetry === undefined) return this.#append(streamId, events, options);
    const count = Array.isArray(events) ? events.length : 0;
    return observeAppend(telemetry, appendAttributes(streamId, events, options), count, (trace) =>
      this.#append(streamId, withTraceContext(events, trace), options),
    );
  }

  async #append(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions | undefined,
  ): Promise<AppendResult> {
    this.assertOpen();
    const [result] = await this.#writes.write(async () => {
      const append = await prepareAppend(streamId, events, options, this.#settings);
      assertWritableStreamId(append.streamId);
      const unit = { entries: [append], condition: this.#decodeCondition(append.condition) };
      this.assertOpen();
      return unit;
    });
    return result as AppendResult;
  }

  appendMany(
    entries: readonly AppendManyEntry[],
    options?: AppendManyOptions,
  ): Promise<AppendResult[]> {
    const telemetry = this.#settings.telemetry;
    if (telemetry === undefined) return this.#appendMany(entries, options);
    const attributes = appendManyAttributes(entries);
    const count = (attributes['eventfold.event.count'] as number | undefined) ?? 0;
    return observeAppend(telemetry, attributes, count, (trace) =>
      this.#appendMany(entriesWithTraceContext(entries, trace), options),
    );
  }

  async #appendMany(
    entries: readonly AppendManyEntry[],
    options: AppendManyOptions | undefined,
  ): Promise<AppendResult[]> {
    this.assertOpen();
    const results = await this.#writes.write(async () => {
      const many = await prepareAppendMany(entries, options, this.#settings);
      for (const entry of many.entries) assertWritableStreamId(entry.streamId);
      const unit = { entries: many.entries, condition: this.#decodeCondition(many.condition) };
      this.assertOpen();
      return unit;
    });
    return [...results];
  }

  readByQuery<E extends NewEvent = NewEvent>(
    query: EventQuery,
    options?: ReadByQueryOptions,
  ): Promise<QueryReadResult<E>> {
    const telemetry = this.#settings.telemetry;
    if (telemetry === undefined) return this.#readByQuery(query, options);
    return observeRead(
      telemetry,
      { 'eventfold.read.target': 'query' },
      () => this.#readByQuery<E>(query, options),
      (result) => ({ 'eventfold.event.count': result.events.length }),
    );
  }

  async #readByQuery<E extends NewEvent>(
    query: EventQuery,
    options: ReadByQueryOptions | undefined,
  ): Promise<QueryReadResult<E>> {
    this.assertOpen();
    const normalized = widenQuery(this.registry, normalizeEventQuery(query, 'query'));
    checkOption.object('options', options);
    checkOption.knownKeys('options', options, ['after', 'limit']);
    const after = options?.after;
    const cursor = after === undefined ? undefined : this.#driver.positions.decode(after);
    const limit = options?.limit;
    if (limit !== undefined) checkOption.integer('limit', limit, 1);
    const slice = await this.#driver.readByQuery(normalized, cursor, limit);
    return { events: slice.events as Recorded<E>[], position: slice.position ?? after };
  }

  #decodeCondition(condition: PreparedCondition | undefined): DecodedCondition<Cursor> | undefined {
    if (condition === undefined) return undefined;
    const { query, after } = condition;
    return {
      query: widenQuery(this.registry, query),
      after: after === undefined ? undefined : this.#driver.positions.decode(after),
      position: after,
    };
  }

  read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>> {
    const telemetry = this.#settings.telemetry;
    if (telemetry === undefined) return this.#read(streamId, options);
    return observeRead(
      telemetry,
      {
        'eventfold.read.target': 'stream',
        'eventfold.stream.id': typeof streamId === 'string' ? streamId : undefined,
      },
      () => this.#read<E>(streamId, options),
      (result) => ({
        'eventfold.event.count': result.events.length,
        'eventfold.stream.version': result.version,
      }),
    );
  }

  async #read<E extends NewEvent>(
    streamId: string,
    options: ReadOptions | undefined,
  ): Promise<ReadResult<E>> {
    this.assertOpen();
    assertStreamId(streamId);
    const range = normalizeReadOptions(options);
    const slice = await this.#driver.readStream(streamId, range);
    if (range.mustExist && slice.version === 0) throw new StreamNotFoundError(streamId);
    const events = await slice.events;
    return { streamId, version: slice.version, events: events as Recorded<E>[] };
  }

  readAll<E extends NewEvent = NewEvent>(options?: ReadAllOptions): EventFeed<Recorded<E>> {
    return createEventFeed((page) => this.readAllPage<E>(page), options);
  }

  readAllPage<E extends NewEvent = NewEvent>(options?: ReadAllOptions): Promise<ReadAllPage<E>> {
    const telemetry = this.#settings.telemetry;
    if (telemetry === undefined) return this.#readAllPage(options);
    return observeRead(
      telemetry,
      { 'eventfold.read.target': 'feed' },
      () => this.#readAllPage<E>(options),
      (page) => ({ 'eventfold.event.count': page.events.length }),
    );
  }

  async #readAllPage<E extends NewEvent>(
    options: ReadAllOptions | undefined,
  ): Promise<ReadAllPage<E>> {
    this.assertOpen();
    const query = widenFilter(this.registry, normalizeReadAllOptions(options));
    const after = options?.after;
    const cursor = after === undefined ? undefined : this.#driver.positions.decode(after);
    if (query.types?.length === 0 || query.categories?.length === 0)
      return { events: [], next: after, isEnd: true };
    const events = await this.#driver.readFeed(cursor, query);
    return feedPage(events, after, query.limit);
  }

  async exists(streamId: string): Promise<boolean> {
    try {
      return (await this.getVersion(streamId)) > 0;
    } catch (error) {
      if (StreamDeletedError.is(error)) return false;
      throw error;
    }
  }

  async getVersion(streamId: string): Promise<number> {
    this.assertOpen();
    assertStreamId(streamId);
    return this.#driver.streamVersion(streamId);
  }

  async deleteStream(streamId: string, options?: DeleteStreamOptions): Promise<DeleteStreamResult> {
    this.assertOpen();
    const deletion = prepareDeletion(streamId, options);
    return this.#driver.deleteStream(deletion);
  }

  async truncateStream(streamId: string, options: TruncateStreamOptions): Promise<void> {
    this.assertOpen();
    const before = prepareTruncation(streamId, options);
    await this.#driver.truncateStream(streamId, before);
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    this.assertOpen();
    assertStreamId(streamId);
    const stored = await this.#driver.getStreamMetadata(streamId);
    return {
      streamId,
      metadata: parseStoredMetadata(stored.json),
      metadataVersion: stored.version,
    };
  }

  async setStreamMetadata(
    streamId: string,
    metadata: StreamMetadata,
    options?: SetStreamMetadataOptions,
  ): Promise<SetStreamMetadataResult> {
    this.assertOpen();
    const prepared = prepareStreamMetadata(streamId, metadata, options);
    const metadataVersion = await this.#driver.setStreamMetadata(prepared);
    return { streamId, metadataVersion };
  }

  async scavenge(options?: ScavengeOptions): Promise<ScavengeReport> {
    this.assertOpen();
    return runScavenge(this.#driver, prepareScavenge(options), () => this.assertOpen());
  }

  async headPosition(): Promise<Position | undefined> {
    this.assertOpen();
    return this.#driver.headPosition();
  }

  async listStreams(options?: ListStreamsOptions): Promise<StreamListPage> {
    this.assertOpen();
    const query = normalizeListStreamsOptions(options);
    // One more than asked: whether a next page exists, without an empty last page.
    const streams = await this.#driver.listStreams({ ...query, limit: query.limit + 1 });
    if (streams.length <= query.limit) return { streams, next: undefined };
    const page = streams.slice(0, query.limit);
    return { streams: page, next: page.at(-1)?.streamId };
  }

  /**
   * Where "only new events" begins (a subscription's `from: 'end'`): the
   * driver's `feedEnd()`, else the head position.
   */
  async [resolveFeedEnd](): Promise<FeedEnd> {
    this.assertOpen();
    if (this.#driver.feedEnd !== undefined) return this.#driver.feedEnd();
    return { position: await this.#driver.headPosition() };
  }

  async countEventsAfter(
    after: Position | undefined,
    filter: FeedFilter,
    cap: number,
  ): Promise<number> {
    this.assertOpen();
    checkOption.integer('cap', cap);
    const cursor = after === undefined ? undefined : this.#driver.positions.decode(after);
    const query = widenFilter(this.registry, checkFilter(filter));
    if (cap === 0 || query.types?.length === 0 || query.categories?.length === 0) return 0;
    return this.#driver.countEventsAfter(cursor, query, cap);
  }

  async hasPendingEvents(after: Position | undefined, filter: FeedFilter): Promise<boolean> {
    this.assertOpen();
    const cursor = after === undefined ? undefined : this.#driver.positions.decode(after);
    const query = widenFilter(this.registry, checkFilter(filter));
    if (!this.capabilities.delayedVisibility) return false;
    if (query.types?.length === 0 || query.categories?.length === 0) return false;
    return this.#driver.hasPendingEvents(cursor, query);
  }

  onAppended(listener: () => void): AppendSubscription {
    this.assertOpen();
    return this.#driver.onAppended(listener);
  }

  close(): Promise<void> {
    this.#closing ??= this.#writes.close().then(() => this.#driver.close());
    return this.#closing;
  }

  /** Closes the store: `await using store = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Whether `close()` was called. */
  protected get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Throws a {@link StoreClosedError} once the store is closed (for subclasses' own methods). */
  protected assertOpen(): void {
    if (this.#closing !== undefined) throw new StoreClosedError();
  }
}
