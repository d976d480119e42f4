import type { PoolClient, QueryConfig } from 'pg';
import type { AppendSubscription } from '../../core/append-signal.js';
import type { NormalizedQuery } from '../../core/event-query.js';
import type { RecordedEvent } from '../../core/events.js';
import type { Position } from '../../core/position.js';
import {
  compareCursors,
  cursorValues,
  filterValues,
  POSTGRES_CAPABILITIES,
  postgresPositions,
  type PostgresCursor,
} from './postgres-positions.js';
import type { NormalizedReadAllOptions, NormalizedReadOptions } from '../../core/read-options.js';
import { toRecordedEvents } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import type { PersonalDataCipher } from '../../core/personal-data.js';
import type {
  EventStoreDriver,
  FeedFilterQuery,
  QueryReadSlice,
  StoredStreamMetadata,
  StreamSlice,
  WriteOutcome,
  WriteUnit,
} from '../kernel/event-store-driver.js';
import { AppendListener } from './append-listener.js';
import { AppendNotifier } from './append-notifier.js';
import { isRacedUniqueViolation } from './postgres-append.js';
import { commitUnits } from './postgres-commit.js';
import type { Connection } from './postgres-connection.js';
import { toDatabaseError } from './postgres-database-error.js';
import { positionOf, toStoredRows, type EventRowValues } from './postgres-rows.js';
import { readFeedHealth, type FeedHealth } from './feed-health.js';
import { feedQuery } from './postgres-feed-query.js';
import { migrate } from './migrate.js';
import { notificationChannel } from './schema-name.js';
import { commitEventsValues, type CommitEventsRow } from './sql/commit-events.js';
import { PreparedQueryShapes, readByQuerySql } from './sql/read-by-query.js';
import { countEventsSql, pendingEventsSql } from './sql/feed-statistics.js';
import { feedEndSql } from './sql/feed-end.js';
import { listStreamsSql } from './sql/list-streams.js';
import { EventfoldError, StreamDeletedError } from '../../core/errors.js';
import type { DeleteStreamResult, PreparedDeletion } from '../../core/stream-deletion.js';
import { deleteInTransaction, truncateInTransaction } from './postgres-delete.js';
import { withClient, withTransaction } from './with-transaction.js';
import {
  metadataSql,
  scavengeInTransaction,
  scavengeTargetsSql,
  setMetadataInTransaction,
  storedMetadata,
} from './postgres-lifecycle.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import type { PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type { NormalizedListStreamsOptions } from '../../core/list-streams.js';
import type { StreamSummary } from '../../core/event-store.js';
import { postgresFeedEnd } from './feed-end.js';
import type { FeedEnd } from '../../core/contracts/feed-end.js';
import { statementsFor, type Statements } from './postgres-statements.js';
import { timed } from './timed-query.js';

/** Attempts of an append that hit a unique violation raced by another writer (the retry sees the winner). */
const APPEND_ATTEMPTS = 3;
/** The highest version a backward read can start from. */
const LAST_VERSION = Number.MAX_SAFE_INTEGER;

export { POSTGRES_CAPABILITIES, postgresPositions, type PostgresCursor };

/** What the driver is told beyond the connection. */
export interface PostgresDriverSettings {
  readonly registry: EventRegistry | undefined;
  /** Decrypts personal fields on read (the store's `personalData` option). */
  readonly personalData?: PersonalDataCipher | undefined;
  /** Create or upgrade the schema on first use (default true); false: only check it. */
  readonly migrate: boolean;
  /** Send `NOTIFY` after appends (default true). */
  readonly notify: boolean;
  readonly notifyIntervalMs: number | undefined;
}

/**
 * The PostgreSQL driver, on a `pg` pool: units of appends in one round trip
 * through the `commit_events` function, a feed bounded by the transaction horizon, the
 * schema migrated on first use.
 */
export class PostgresDriver implements EventStoreDriver<PostgresCursor> {
  readonly capabilities = POSTGRES_CAPABILITIES;
  readonly positions = postgresPositions;
  readonly #connection: Connection;
  readonly #settings: PostgresDriverSettings;
  readonly #sql: Statements;
  readonly #queryShapes = new PreparedQueryShapes();
  readonly #notifier: AppendNotifier | undefined;
  readonly #listener: AppendListener;
  readonly #onPoolError = (): void => undefined;
  #ready: Promise<void> | undefined;

  constructor(connection: Connection, settings: PostgresDriverSettings) {
    this.#connection = connection;
    this.#settings = settings;
    const { pool, schema } = connection;
    this.#sql = statementsFor(schema);
    const channel = notificationChannel(schema);
    this.#notifier = settings.notify
      ? new AppendNotifier(pool, channel, settings.notifyIntervalMs, connection.timeouts)
      : undefined;
    this.#listener = new AppendListener(connection.clientConfig, channel);
    // Idle clients that lose their connection emit 'error' on the pool; the pool drops them.
    pool.on('error', this.#onPoolError);
  }

  /** Creates or upgrades the schema once (again after a failure); safe from several processes at once. */
  migrate(): Promise<void> {
    const { pool, schema, secrets } = this.#connection;
    const limit = this.#connection.timeouts.statementTimeoutMs;
    this.#ready ??= migrate(pool, schema, secrets, this.#settings.migrate, undefined, limit).catch(
      (error: unknown) => {
        this.#ready = undefined;
        throw error;
      },
    );
    return this.#ready;
  }

  /**
   * Commits units in one `commit_events` call (one transaction, one round
   * trip) when it can; see {@link commitUnits} for when it takes more.
   */
  async commit(units: readonly WriteUnit<PostgresCursor>[]): Promise<WriteOutcome[]> {
    await this.migrate();
    const { outcomes, written } = await commitUnits(units, (batch) => this.#commitCall(batch));
    if (written) {
      if (this.#notifier === undefined) this.#listener.wakeSoon();
      else this.#notifier.poke();
    }
    return outcomes;
  }

  /** One `commit_events` call, retried when another writer won a race on a unique key. */
  async #commitCall(units: readonly WriteUnit<PostgresCursor>[]): Promise<CommitEventsRow[]> {
    const query: QueryConfig = timed(
      { name: this.#sql.commitName, text: this.#sql.commit, values: commitEventsValues(units) },
      this.#connection.timeouts.statementTimeoutMs,
    );
    const entries = units.flatMap((unit) => unit.entries);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.#connection.pool.query<CommitEventsRow>(query)).rows;
      } catch (error) {
        if (attempt < APPEND_ATTEMPTS && entries.some((e) => isRacedUniqueViolation(error, e)))
          continue;
        const [first] = entries;
        const action =
          entries.length === 1 && first !== undefined
            ? `append to stream "${first.streamId}"`
            : `commit of ${units.length} append(s) to ${entries.length} stream(s)`;
        throw toDatabaseError(error, action, this.#connection.secrets);
      }
    }
  }

  /**
   * The events matching `query` after `after`, below the feed horizon, and the
   * position the read saw up to: the last event returned when `limit` cut the
   * read short, else the head below the same horizon (never lower than `after`).
   */
  async readByQuery(
    query: NormalizedQuery,
    after: PostgresCursor | undefined,
    limit: number | undefined,
  ): Promise<QueryReadSlice> {
    await this.migrate();
    const from = after ?? [0n, 0n];
    const { text, values, name } = readByQuerySql(this.#sql.quotedSchema, query, from, limit);
    const rows = await this.#rows(this.#queryShapes.admit(name), text, values, 'query read');
    const first = rows[0];
    if (first === undefined) return { events: [], position: undefined };
    const present = first[2] === null ? [] : rows;
    const events = await toRecordedEvents(
      toStoredRows(present, 2),
      this.#settings.registry,
      this.#settings.personalData,
    );
    const last = events.at(-1);
    if (limit !== undefined && last !== undefined && events.length >= limit)
      return { events, position: last.position };
    const head: PostgresCursor = [BigInt(first[0] as string), BigInt(first[1] as string)];
    const seen = compareCursors(head, from) >= 0 ? head : from;
    return { events, position: this.positions.encode(seen) };
  }

  async readStream(streamId: string, range: NormalizedReadOptions): Promise<StreamSlice> {
    const { from, backward, limit } = range;
    await this.migrate();
    const start = backward ? (from ?? LAST_VERSION) : (from ?? 1);
    const rows = await this.#rows(
      backward ? this.#sql.readBackwardName : this.#sql.readForwardName,
      backward ? this.#sql.readBackward : this.#sql.readForward,
      [streamId, start, limit === Number.POSITIVE_INFINITY ? null : limit],
      `read of stream "${streamId}"`,
    );
    const first = rows[0];
    if (first === undefined) return { version: 0, events: [] };
    if (Number(first[0]) < 0) throw new StreamDeletedError(streamId);
    const present = first[1] === null ? [] : rows;
    return {
      version: Number(first[0]),
      events: toRecordedEvents(
        toStoredRows(present, 1),
        this.#settings.registry,
        this.#settings.personalData,
      ),
    };
  }

  async readFeed(
    after: PostgresCursor | undefined,
    query: NormalizedReadAllOptions & FeedFilterQuery,
  ): Promise<RecordedEvent[]> {
    const [xid, position] = after ?? [0n, 0n];
    await this.migrate();
    const { name, text, values } = feedQuery(
      this.#sql,
      xid,
      position,
      query.limit,
      query.types,
      query.categories,
    );
    const rows = await this.#rows(name, text, values, 'read of the global feed');
    return toRecordedEvents(
      toStoredRows(rows),
      this.#settings.registry,
      this.#settings.personalData,
    );
  }

  async streamVersion(streamId: string): Promise<number> {
    await this.migrate();
    const rows = await this.#rows(
      this.#sql.getVersionName,
      this.#sql.getVersion,
      [streamId],
      `version of stream "${streamId}"`,
    );
    const version = rows[0] === undefined ? 0 : Number(rows[0][0]);
    if (version < 0) throw new StreamDeletedError(streamId);
    return version;
  }

  async deleteStream(deletion: PreparedDeletion): Promise<DeleteStreamResult> {
    await this.migrate();
    const result = await this.#transaction(`delete of stream "${deletion.streamId}"`, (client) =>
      deleteInTransaction(client, this.#sql.quotedSchema, deletion),
    );
    if (result.position !== undefined) {
      if (this.#notifier === undefined) this.#listener.wakeSoon();
      else this.#notifier.poke();
    }
    return result;
  }

  async truncateStream(streamId: string, before: number): Promise<void> {
    await this.migrate();
    await this.#transaction(`truncation of stream "${streamId}"`, (client) =>
      truncateInTransaction(client, this.#sql.quotedSchema, streamId, before),
    );
  }

  async getStreamMetadata(streamId: string): Promise<StoredStreamMetadata> {
    await this.migrate();
    const sql = metadataSql(this.#sql.quotedSchema);
    const rows = await this.#rows(undefined, sql, [streamId], `metadata of "${streamId}"`);
    return storedMetadata(streamId, rows[0]);
  }

  async setStreamMetadata(metadata: PreparedStreamMetadata): Promise<number> {
    await this.migrate();
    return this.#transaction(`metadata of stream "${metadata.streamId}"`, (client) =>
      setMetadataInTransaction(client, this.#sql.quotedSchema, metadata),
    );
  }

  async scavengeTargets(after: string | undefined, limit: number): Promise<string[]> {
    await this.migrate();
    const sql = scavengeTargetsSql(this.#sql.quotedSchema);
    const rows = await this.#rows(undefined, sql, [after ?? '', limit], 'streams to scavenge');
    return rows.map((row) => row[0] as string);
  }

  async scavengeChunk(streamId: string, limit: number): Promise<ScavengeChunk> {
    await this.migrate();
    return this.#transaction(`scavenge of stream "${streamId}"`, (client) =>
      scavengeInTransaction(client, this.#sql.quotedSchema, streamId, limit),
    );
  }

  /** `VACUUM` (with `compact`, `VACUUM FULL`: an exclusive lock) of the events and their tags. */
  async finishScavenge(compact: boolean): Promise<void> {
    await this.migrate();
    const { pool, secrets } = this.#connection;
    const s = this.#sql.quotedSchema;
    await withClient({ pool, secrets }, 'vacuum after a scavenge', async ({ client }) => {
      try {
        await client.query(`VACUUM ${compact ? 'FULL ' : ''}${s}.events, ${s}.event_tags`);
      } catch (error) {
        throw toDatabaseError(error, 'vacuum after a scavenge', secrets);
      }
    });
  }

  /** `fn` in a transaction; an error that is not eventfold's becomes a `DatabaseError` naming `action`. */
  #transaction<T>(action: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const { pool, secrets, timeouts } = this.#connection;
    const source = { pool, secrets, statementTimeoutMs: timeouts.statementTimeoutMs };
    return withTransaction(source, action, (client) =>
      fn(client).catch((error: unknown) => {
        if (EventfoldError.is(error)) throw error;
        throw toDatabaseError(error, action, secrets);
      }),
    );
  }

  async headPosition(): Promise<Position | undefined> {
    await this.migrate();
    const rows = await this.#rows(undefined, this.#sql.head, [], 'head of the feed');
    const row = rows[0];
    return row === undefined ? undefined : positionOf(row[0] as string, row[1] as string);
  }

  async listStreams(query: NormalizedListStreamsOptions): Promise<StreamSummary[]> {
    await this.migrate();
    const { category } = query;
    const values: unknown[] = [query.after ?? '', query.limit];
    if (category !== undefined) values.push(category);
    const sql = listStreamsSql(this.#sql.quotedSchema, category !== undefined);
    const rows = await this.#rows(undefined, sql, values, 'list of streams');
    return rows.map((row) => ({
      streamId: row[0] as string,
      version: Number(row[1]),
      lastWrite: row[2] instanceof Date ? row[2] : new Date(row[2] as string),
    }));
  }

  /**
   * The head and the snapshot of one statement: events above the head of
   * transactions that snapshot sees as committed had been appended before
   * now (see {@link postgresFeedEnd}).
   */
  async feedEnd(): Promise<FeedEnd> {
    await this.migrate();
    const sql = feedEndSql(this.#sql.quotedSchema);
    const rows = await this.#rows(undefined, sql, [], 'end of the feed');
    const [snapshot, xid, position] = (rows[0] ?? []) as (string | null)[];
    return postgresFeedEnd(snapshot ?? '', xid ?? null, position ?? null, this.positions);
  }

  async countEventsAfter(
    after: PostgresCursor | undefined,
    filter: FeedFilterQuery,
    cap: number,
  ): Promise<number> {
    const { types, categories } = filter;
    const values = [...cursorValues(after), cap, ...filterValues(filter)];
    await this.migrate();
    const sql = countEventsSql(
      this.#sql.quotedSchema,
      types !== undefined,
      categories !== undefined,
    );
    const rows = await this.#rows(undefined, sql, values, 'event count');
    return Number(rows[0]?.[0] ?? 0);
  }

  async hasPendingEvents(
    after: PostgresCursor | undefined,
    filter: FeedFilterQuery,
  ): Promise<boolean> {
    const { types, categories } = filter;
    const values = [...cursorValues(after), ...filterValues(filter)];
    await this.migrate();
    const sql = pendingEventsSql(
      this.#sql.quotedSchema,
      types !== undefined,
      categories !== undefined,
    );
    const rows = await this.#rows(undefined, sql, values, 'pending events check');
    return rows[0]?.[0] === true;
  }

  /** How far the global feed is held back (see `PostgresEventStore.getFeedHealth`). */
  async feedHealth(): Promise<FeedHealth> {
    await this.migrate();
    try {
      const { pool, timeouts } = this.#connection;
      return await readFeedHealth(
        pool,
        timed({ text: this.#sql.feedHealth }, timeouts.statementTimeoutMs),
      );
    } catch (error) {
      throw toDatabaseError(error, 'feed health query', this.#connection.secrets);
    }
  }

  /**
   * Calls `listener` soon after events are appended to this schema by any
   * process, through one shared `LISTEN` connection (a hint: coalesced,
   * possibly lost). With `notify: false` this store's own appends wake its
   * listeners in-process instead.
   */
  onAppended(listener: () => void): AppendSubscription {
    return this.#listener.add(listener);
  }

  /** Waits for a pending notification, stops listening and ends the pool if the store created it. */
  async close(): Promise<void> {
    await this.#notifier?.idle();
    await this.#listener.close();
    const { pool, owned } = this.#connection;
    // An owned pool keeps its error listener: clients ending late may still report errors.
    if (owned) await pool.end().catch(() => undefined);
    else pool.off('error', this.#onPoolError);
  }

  async #rows(
    name: string | undefined,
    text: string,
    values: unknown[],
    action: string,
  ): Promise<EventRowValues[]> {
    try {
      const { pool, timeouts } = this.#connection;
      const query = timed(
        { text, values, rowMode: 'array' as const, ...(name === undefined ? {} : { name }) },
        timeouts.statementTimeoutMs,
      );
      return (await pool.query<unknown[]>(query)).rows;
    } catch (error) {
      throw toDatabaseError(error, action, this.#connection.secrets);
    }
  }
}
