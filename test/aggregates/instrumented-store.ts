import type {
  AppendManyEntry,
  AppendManyOptions,
  AppendOptions,
  AppendResult,
  AppendSubscription,
  DeleteStreamOptions,
  DeleteStreamResult,
  TruncateStreamOptions,
  EventFeed,
  EventRegistry,
  EventQuery,
  EventStore,
  FeedFilter,
  ListStreamsOptions,
  NewEvent,
  Position,
  ReadAllOptions,
  QueryReadResult,
  ReadAllPage,
  ReadByQueryOptions,
  ReadOptions,
  ReadResult,
  Recorded,
  StoreCapabilities,
  StreamListPage,
  ScavengeOptions,
  ScavengeReport,
  SetStreamMetadataOptions,
  SetStreamMetadataResult,
  StreamMetadata,
  StreamMetadataResult,
} from '../../src/index.js';

/**
 * An event store that delegates to another and records what it is asked:
 * stream reads (with their options) and appends; `beforeAppend` runs before
 * each append, to make a competitor write first.
 */
export class InstrumentedStore implements EventStore {
  readonly reads: { streamId: string; options: ReadOptions | undefined }[] = [];
  appends = 0;
  beforeAppend: ((streamId: string) => Promise<void>) | undefined;

  constructor(readonly inner: EventStore) {}

  get registry(): EventRegistry | undefined {
    return this.inner.registry;
  }

  get capabilities(): StoreCapabilities {
    return this.inner.capabilities;
  }

  deleteStream(streamId: string, options?: DeleteStreamOptions): Promise<DeleteStreamResult> {
    return this.inner.deleteStream(streamId, options);
  }

  truncateStream(streamId: string, options: TruncateStreamOptions): Promise<void> {
    return this.inner.truncateStream(streamId, options);
  }

  getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    return this.inner.getStreamMetadata(streamId);
  }

  setStreamMetadata(
    streamId: string,
    metadata: StreamMetadata,
    options?: SetStreamMetadataOptions,
  ): Promise<SetStreamMetadataResult> {
    return this.inner.setStreamMetadata(streamId, metadata, options);
  }

  scavenge(options?: ScavengeOptions): Promise<ScavengeReport> {
    return this.inner.scavenge(options);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.appends += 1;
    await this.beforeAppend?.(streamId);
    return this.inner.append(streamId, events, options);
  }

  read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>> {
    this.reads.push({ streamId, options });
    return this.inner.read<E>(streamId, options);
  }

  readAll<E extends NewEvent = NewEvent>(options?: ReadAllOptions): EventFeed<Recorded<E>> {
    return this.inner.readAll<E>(options);
  }

  appendMany(
    entries: readonly AppendManyEntry[],
    options?: AppendManyOptions,
  ): Promise<AppendResult[]> {
    return this.inner.appendMany(entries, options);
  }

  readByQuery<E extends NewEvent = NewEvent>(
    query: EventQuery,
    options?: ReadByQueryOptions,
  ): Promise<QueryReadResult<E>> {
    return this.inner.readByQuery<E>(query, options);
  }

  readAllPage<E extends NewEvent = NewEvent>(options?: ReadAllOptions): Promise<ReadAllPage<E>> {
    return this.inner.readAllPage<E>(options);
  }

  exists(streamId: string): Promise<boolean> {
    return this.inner.exists(streamId);
  }

  getVersion(streamId: string): Promise<number> {
    return this.inner.getVersion(streamId);
  }

  listStreams(options?: ListStreamsOptions): Promise<StreamListPage> {
    return this.inner.listStreams(options);
  }

  headPosition(): Promise<Position | undefined> {
    return this.inner.headPosition();
  }

  countEventsAfter(after: Position | undefined, filter: FeedFilter, cap: number): Promise<number> {
    return this.inner.countEventsAfter(after, filter, cap);
  }

  hasPendingEvents(after: Position | undefined, filter: FeedFilter): Promise<boolean> {
    return this.inner.hasPendingEvents(after, filter);
  }

  onAppended(listener: () => void): AppendSubscription {
    return this.inner.onAppended(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  [Symbol.asyncDispose](): PromiseLike<void> {
    return this.inner[Symbol.asyncDispose]();
  }
}

/** Resolves `promise`'s rejection reason; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** The error `body` throws; fails when it returns. */
export function thrownBy(body: () => unknown): unknown {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but nothing was thrown');
}
