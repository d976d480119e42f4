import type BetterSqlite3 from 'better-sqlite3';
import type { FeedEventRow, StreamEventRow } from './sql/event-columns.js';
import { INSERT_EVENT, type InsertEventParams } from './sql/insert-event.js';
import { READ_ALL, type ReadAllParams } from './sql/read-all.js';
import {
  MAX_FEED_ARMS,
  readAllFilteredSql,
  type FeedFilterColumn,
  type ReadAllFilteredParams,
} from './sql/read-all-filtered.js';
import { READ_STREAM } from './sql/read-stream.js';
import { READ_STREAM_BACKWARD, type ReadStreamBackwardParams } from './sql/read-stream-backward.js';
import { READ_STREAM_FORWARD, type ReadStreamForwardParams } from './sql/read-stream-forward.js';
import { SELECT_EVENTS_BY_ID, type StoredIdRow } from './sql/select-events-by-id.js';
import { SELECT_STREAM_VERSION } from './sql/select-stream-version.js';
import { SELECT_HEAD } from './sql/select-head.js';
import { countEventsSql } from './sql/count-events.js';
import { INSERT_TAGS, type InsertTagsParams } from './sql/insert-tags.js';
import {
  queryMatchExistsSql,
  readByQuerySql,
  type EventQueryParams,
  type EventQueryPlan,
} from './sql/event-query.js';

/** The most query shapes whose statements a connection keeps (past it, the cache starts over). */
const MAX_QUERY_SHAPES = 256;

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

/**
 * The store's prepared statements, prepared once per connection. Every
 * statement returns plain numbers (never BigInt), whatever the handle's
 * `defaultSafeIntegers`, and the event reads return rows as arrays.
 */
export class SqliteStatements {
  readonly insertEvent: Statement<InsertEventParams>;
  readonly insertTags: Statement<InsertTagsParams>;
  readonly streamVersion: Statement<[streamId: string], number | null>;
  readonly eventsById: Statement<[idsJson: string], StoredIdRow>;
  readonly readStream: Statement<[streamId: string], StreamEventRow>;
  readonly readStreamForward: Statement<ReadStreamForwardParams, StreamEventRow>;
  readonly readStreamBackward: Statement<ReadStreamBackwardParams, StreamEventRow>;
  readonly readAll: Statement<ReadAllParams, FeedEventRow>;
  readonly head: Statement<[], number | null>;
  readonly #db: BetterSqlite3.Database;
  readonly #counts = new Map<string, Statement<unknown[], number>>();
  readonly #filtered = new Map<string, Statement<[ReadAllFilteredParams], FeedEventRow>>();
  readonly #queryReads = new Map<string, Statement<[EventQueryParams], FeedEventRow>>();
  readonly #queryChecks = new Map<string, Statement<[EventQueryParams], number>>();

  /** The connection the statements belong to. */
  get database(): BetterSqlite3.Database {
    return this.#db;
  }

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
    this.insertEvent = db.prepare<InsertEventParams>(INSERT_EVENT).safeIntegers(false);
    this.insertTags = db.prepare<InsertTagsParams>(INSERT_TAGS).safeIntegers(false);
    this.streamVersion = db
      .prepare<[string], number | null>(SELECT_STREAM_VERSION)
      .pluck()
      .safeIntegers(false);
    this.eventsById = db.prepare<[string], StoredIdRow>(SELECT_EVENTS_BY_ID).safeIntegers(false);
    this.readStream = db.prepare<[string], StreamEventRow>(READ_STREAM).raw().safeIntegers(false);
    this.readStreamForward = db
      .prepare<ReadStreamForwardParams, StreamEventRow>(READ_STREAM_FORWARD)
      .raw()
      .safeIntegers(false);
    this.readStreamBackward = db
      .prepare<ReadStreamBackwardParams, StreamEventRow>(READ_STREAM_BACKWARD)
      .raw()
      .safeIntegers(false);
    this.readAll = db.prepare<ReadAllParams, FeedEventRow>(READ_ALL).raw().safeIntegers(false);
    this.head = db.prepare<[], number | null>(SELECT_HEAD).pluck().safeIntegers(false);
  }

  /** The statement counting events after a position with these filters (prepared once per shape). */
  countEvents(types: boolean, categories: boolean): Statement<unknown[], number> {
    const key = `${types ? 't' : ''}${categories ? 'c' : ''}`;
    let statement = this.#counts.get(key);
    if (statement === undefined) {
      statement = this.#db
        .prepare<unknown[], number>(countEventsSql(types, categories))
        .pluck()
        .safeIntegers(false);
      this.#counts.set(key, statement);
    }
    return statement;
  }

  /**
   * The statement reading a feed page restricted to `keyCount` values of
   * `column`, and optionally on the other column (built on first use, then cached).
   */
  readAllFiltered(
    column: FeedFilterColumn,
    keyCount: number,
    filtered: boolean,
  ): Statement<[ReadAllFilteredParams], FeedEventRow> {
    const arms = Math.min(keyCount, MAX_FEED_ARMS + 1);
    const key = `${column}:${arms}:${filtered}`;
    let statement = this.#filtered.get(key);
    if (statement === undefined) {
      statement = this.#db
        .prepare<[ReadAllFilteredParams], FeedEventRow>(readAllFilteredSql(column, arms, filtered))
        .raw()
        .safeIntegers(false);
      this.#filtered.set(key, statement);
    }
    return statement;
  }

  /** The statement reading the events of a query's shape (prepared on first use, then cached). */
  readByQuery(plan: EventQueryPlan): Statement<[EventQueryParams], FeedEventRow> {
    return cached(this.#queryReads, plan.shape, () =>
      this.#db
        .prepare<[EventQueryParams], FeedEventRow>(readByQuerySql(plan))
        .raw()
        .safeIntegers(false),
    );
  }

  /** The statement telling whether an event of a query's shape exists (prepared on first use, then cached). */
  queryMatchExists(plan: EventQueryPlan): Statement<[EventQueryParams], number> {
    return cached(this.#queryChecks, plan.shape, () =>
      this.#db
        .prepare<[EventQueryParams], number>(queryMatchExistsSql(plan))
        .pluck()
        .safeIntegers(false),
    );
  }
}

/** The statement of `shape` in `cache`, prepared by `prepare` when missing; the cache is bounded. */
function cached<S>(cache: Map<string, S>, shape: string, prepare: () => S): S {
  let statement = cache.get(shape);
  if (statement === undefined) {
    if (cache.size >= MAX_QUERY_SHAPES) cache.clear();
    statement = prepare();
    cache.set(shape, statement);
  }
  return statement;
}
