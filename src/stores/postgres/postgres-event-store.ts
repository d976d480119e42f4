import type { Pool, QueryConfig } from 'pg';
import { prepareAppend, type AppendOptions } from '../../core/append-input.js';
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
import { toRecordedEvents } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import { assertStreamId } from '../../core/stream-id.js';
import type { AppendSubscription } from '../../core/append-signal.js';
import { AppendListener } from './append-listener.js';
import { AppendNotifier } from './append-notifier.js';
import { appendOutcome, isRacedUniqueViolation } from './append-outcome.js';
import { openConnection, type Connection } from './connection.js';
import { toDatabaseError } from './database-error.js';
import { toStoredRows, type EventRowValues } from './event-rows.js';
import { feedQuery } from './feed-query.js';
import { readFeedHealth, type FeedHealth } from './feed-health.js';
import { migrate } from './migrate.js';
import type { PostgresEventStoreOptions } from './postgres-event-store-options.js';
import { notificationChannel, quoteSchema } from './schema-name.js';
import { assertStorable } from './storable.js';
import { appendEventsValues, type AppendEventsRow } from './sql/append-events.js';
import { statementsFor, type Statements } from './statements.js';

/** Attempts of an append that hit a unique violation raced by another writer (the retry sees the winner). */
const APPEND_ATTEMPTS = 3;
/** The highest version a backward read can start from. */
const LAST_VERSION = Number.MAX_SAFE_INTEGER;

/**
 * The PostgreSQL event store: the semantics of eventfold's reference store on
 * a real database, with a global feed that never skips an event when
 * transactions commit out of order, appends in one round trip, and a
 * coalesced `NOTIFY` after appends for live readers. Tables live in their own
 * schema (default `eventfold`), created and migrated on first use.
 *
 * @example
 * ```ts
 * const store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * await store.append('Task-1', [TaskCreated({ title: 'Ship it' })], { expectedVersion: 0 });
 * for await (const event of store.readAll()) console.log(event.position, event.type);
 * ```
 */
export class PostgresEventStore implements EventStore {
  /** Validates events on append and revives them on read. */
  readonly registry: EventRegistry | undefined;
  /** The schema holding this store's tables. */
  readonly schema: string;
  /** The pool the store queries through (yours, when you passed one). */
  readonly pool: Pool;
  readonly #maxEventBytes: number | undefined;
  readonly #connection: Connection;
  readonly #sql: Statements;
  readonly #migrate: boolean;
  readonly #notifier: AppendNotifier | undefined;
  readonly #listener: AppendListener;
  readonly #onPoolError = (): void => undefined;
  #ready: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /** Creates the store; the schema is migrated on first use (or use {@link PostgresEventStore.connect}). */
  constructor(options: PostgresEventStoreOptions = {}) {
    this.#connection = openConnection(options);
    const schema = this.#connection.schema;
    this.schema = schema;
    this.pool = this.#connection.pool;
    this.registry = options.registry;
    this.#maxEventBytes = options.maxEventBytes;
    this.#migrate = options.migrate ?? true;
    this.#sql = statementsFor(schema);
    this.#notifier =
      options.notify === false
        ? undefined
        : new AppendNotifier(this.pool, notificationChannel(schema), options.notifyIntervalMs);
    this.#listener = new AppendListener(this.#connection.clientConfig, notificationChannel(schema));
    // Idle clients that lose their connection emit 'error' on the pool; the pool drops them.
    this.pool.on('error', this.#onPoolError);
  }

  /**
   * Creates a store and migrates its schema now, so a bad URL or missing
   * rights fail here rather than on first use.
   *
   * @example
   * ```ts
   * const store = await PostgresEventStore.connect({ connectionString: 'postgresql://localhost/app' });
   * ```
   */
  static async connect(options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Creates or upgrades the schema (done automatically on first use); safe to run from several processes at once. */
  migrate(): Promise<void> {
    this.#open();
    this.#ready ??= migrate(this.pool, this.schema, this.#connection.secrets, this.#migrate).catch(
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    );
    return this.#ready;
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
    assertStorable(append);
    await this.migrate();
    const query: QueryConfig = {
      name: this.#sql.appendName,
      text: this.#sql.append,
      values: appendEventsValues(append),
    };
    for (let attempt = 1; ; attempt++) {
      let rows: AppendEventsRow[];
      try {
        rows = (await this.pool.query<AppendEventsRow>(query)).rows;
      } catch (error) {
        if (attempt < APPEND_ATTEMPTS && isRacedUniqueViolation(error, append)) continue;
        throw toDatabaseError(
          error,
          `append to stream "${append.streamId}"`,
          this.#connection.secrets,
        );
      }
      const { result, written } = appendOutcome(append, rows);
      if (written) {
        if (this.#notifier === undefined) this.#listener.wakeSoon();
        else this.#notifier.poke();
      }
      return result;
    }
  }

  async read<E extends NewEvent = NewEvent>(
    streamId: string,
    options?: ReadOptions,
  ): Promise<ReadResult<E>> {
    this.#open();
    assertStreamId(streamId);
    const { from, backward, limit, mustExist } = normalizeReadOptions(options);
    await this.migrate();
    const start = backward ? (from ?? LAST_VERSION) : (from ?? 1);
    const rows = await this.#query(
      backward ? this.#sql.readBackwardName : this.#sql.readForwardName,
      backward ? this.#sql.readBackward : this.#sql.readForward,
      [streamId, start, limit === Number.POSITIVE_INFINITY ? null : limit],
      `read of stream "${streamId}"`,
    );
    const first = rows[0];
    if (first === undefined) {
      if (mustExist) throw new StreamNotFoundError(streamId);
      return { streamId, version: 0, events: [] };
    }
    const present = first[1] === null ? [] : rows;
    const events = await toRecordedEvents(toStoredRows(present, 1), this.registry);
    return { streamId, version: Number(first[0]), events: events as Recorded<E>[] };
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
    const [xid = 0n, position = 0n] = after === undefined ? [] : decodePosition(after, 2);
    if (types?.length === 0 || categories?.length === 0)
      return { events: [], next: after, isEnd: true };
    await this.migrate();
    const query = feedQuery(this.#sql, xid, position, limit, types, categories);
    const rows = await this.#query(query.name, query.text, query.values, 'read of the global feed');
    return feedPage(await toRecordedEvents(toStoredRows(rows), this.registry), after, limit);
  }

  async exists(streamId: string): Promise<boolean> {
    return (await this.getVersion(streamId)) > 0;
  }

  async getVersion(streamId: string): Promise<number> {
    this.#open();
    assertStreamId(streamId);
    await this.migrate();
    const rows = await this.#query(
      this.#sql.getVersionName,
      this.#sql.getVersion,
      [streamId],
      `version of stream "${streamId}"`,
    );
    return rows[0] === undefined ? 0 : Number(rows[0][0]);
  }

  /**
   * How far the global feed is held back: readers only see events of
   * transactions older than every transaction still running (cluster-wide),
   * so one long transaction that wrote anything stalls every reader. Watch
   * `oldestBlockingTransactionAgeMs` and `withheldEvents`.
   */
  async getFeedHealth(): Promise<FeedHealth> {
    this.#open();
    await this.migrate();
    try {
      return await readFeedHealth(this.pool, this.#sql.feedHealth);
    } catch (error) {
      throw toDatabaseError(error, 'feed health query', this.#connection.secrets);
    }
  }

  /**
   * Calls `listener` (no arguments) soon after events are appended to this
   * schema by any process, through one shared `LISTEN` connection. A wake-up is
   * only a hint, coalesced and possibly lost: read the feed to learn what
   * changed, and keep polling. Returns a function that stops listening; its
   * `ready` promise resolves once the connection listens. With `notify: false`
   * this store's own appends wake its listeners in-process instead.
   */
  onAppended(listener: () => void): AppendSubscription {
    this.#open();
    return this.#listener.add(listener);
  }

  /** Closes the store: waits for a pending notification, stops listening and ends the pool if the store created it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#notifier?.idle();
      await this.#listener.close();
      // An owned pool keeps its error listener: clients ending late may still report errors.
      if (this.#connection.owned) await this.pool.end().catch(() => undefined);
      else this.pool.off('error', this.#onPoolError);
    })();
    return this.#closing;
  }

  /** The quoted schema name, for SQL of your own next to the store's tables. */
  get quotedSchema(): string {
    return quoteSchema(this.schema);
  }

  async #query(
    name: string | undefined,
    text: string,
    values: unknown[],
    action: string,
  ): Promise<EventRowValues[]> {
    try {
      const query = { text, values, rowMode: 'array' as const };
      return (await this.pool.query<unknown[]>(name === undefined ? query : { ...query, name }))
        .rows;
    } catch (error) {
      throw toDatabaseError(error, action, this.#connection.secrets);
    }
  }

  #open(): void {
    if (this.#closing !== undefined) throw new StoreClosedError();
  }
}
