import type BetterSqlite3 from 'better-sqlite3';
import { EventfoldError, ValidationError } from '../../../core/errors.js';
import { decodePosition, type Position } from '../../../core/position.js';
import type {
  FeedFilter,
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { isPromiseLike } from '../../../core/is-promise-like.js';
import type { SqliteEventStore } from '../sqlite-event-store.js';
import { sqlitePosition } from '../sqlite-position.js';
import { EVENTS_TABLE } from '../sql/tables.js';
import { toDatabaseError } from '../to-database-error.js';
import { checkExpected, run, SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { parkDeadLetter, SqliteDeadLetterStore } from './sqlite-dead-letter-store.js';
import { SqliteLeaseStore } from './sqlite-lease-store.js';
import { SqliteSubscriptionStatements } from './sqlite-subscription-statements.js';

/**
 * Subscription state in a SQLite store's own file: checkpoints, dead letters
 * and leases in the `eventfold_checkpoints`, `eventfold_dead_letters` and
 * `eventfold_leases` tables (created by the store's migration 3). It is
 * atomic: a projection's handlers get the store's better-sqlite3 `Database`
 * inside a `BEGIN IMMEDIATE` transaction that also writes the checkpoint, so
 * read-model tables in the same file are updated exactly once. Handlers must
 * be synchronous (better-sqlite3 is): one returning a promise fails the
 * projection with a `ValidationError`.
 *
 * @example
 * ```ts
 * import { SqliteEventStore, SqliteSubscriptionStorage } from 'eventfold/sqlite';
 * const store = new SqliteEventStore('events.db');
 * const storage = new SqliteSubscriptionStorage(store);
 * const running = startProjection(store, taskList, { storage });
 * ```
 */
export class SqliteSubscriptionStorage implements SubscriptionStorage<BetterSqlite3.Database> {
  readonly atomic = true;
  /** The store's connection: what projection handlers get. */
  readonly database: BetterSqlite3.Database;
  readonly checkpoints: SqliteCheckpointStore;
  readonly deadLetters: SqliteDeadLetterStore;
  readonly leases: SqliteLeaseStore;
  readonly #sql: SqliteSubscriptionStatements;
  readonly #immediate: <T>(fn: () => T) => T;
  readonly #counts = new Map<string, BetterSqlite3.Statement<unknown[], number>>();
  readonly #head: BetterSqlite3.Statement<[], number | null>;

  constructor(store: SqliteEventStore) {
    const db = store.database;
    this.database = db;
    try {
      this.#sql = new SqliteSubscriptionStatements(db);
      this.#head = db
        .prepare<[], number | null>(`SELECT max(position) FROM ${EVENTS_TABLE}`)
        .pluck()
        .safeIntegers(false);
    } catch (error) {
      throw toDatabaseError(error, 'preparing the subscription statements');
    }
    const transaction = db.transaction((fn: () => unknown) => fn());
    this.#immediate = <T>(fn: () => T) => transaction.immediate(fn) as T;
    this.checkpoints = new SqliteCheckpointStore(this.#sql, this.#immediate);
    this.deadLetters = new SqliteDeadLetterStore(this.#sql);
    this.leases = new SqliteLeaseStore(this.#sql);
  }

  transaction(
    scope: TransactionScope,
    work: (tx: BetterSqlite3.Database) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void> {
    const { name, expected } = scope;
    let workFailed = false;
    return new Promise((resolve) => {
      assertSubscriptionName(name);
      try {
        this.#immediate(() => {
          if (expected !== undefined) checkExpected(this.#sql, name, expected);
          let outcome: TransactionOutcome | Promise<TransactionOutcome>;
          try {
            outcome = work(this.database);
          } catch (error) {
            workFailed = true;
            throw error;
          }
          if (isPromiseLike(outcome)) {
            workFailed = true;
            Promise.resolve(outcome).catch(() => undefined);
            throw new ValidationError(
              `Subscription "${name}": SQLite projection handlers (and reset hooks) must be synchronous, ` +
                'as better-sqlite3 transactions are; this one returned a promise',
            );
          }
          this.#write(name, outcome);
        });
      } catch (error) {
        if (workFailed || EventfoldError.is(error)) throw error;
        throw toDatabaseError(error, `committing for subscription "${name}"`);
      }
      resolve();
    });
  }

  headPosition(): Promise<Position | undefined> {
    return run('reading the head of the feed', () => {
      const head = this.#head.get() ?? null;
      return head === null ? undefined : sqlitePosition(head);
    });
  }

  countEventsAfter(after: Position | undefined, filter: FeedFilter, cap: number): Promise<number> {
    return run('counting events', () => {
      const { types, categories } = filter;
      if (types?.length === 0 || categories?.length === 0) return 0;
      const key = `${types === undefined ? '' : 't'}${categories === undefined ? '' : 'c'}`;
      let statement = this.#counts.get(key);
      if (statement === undefined) {
        const where = [
          'position > ?',
          ...(types === undefined ? [] : ['type IN (SELECT value FROM json_each(?))']),
          ...(categories === undefined ? [] : ['category IN (SELECT value FROM json_each(?))']),
        ].join(' AND ');
        statement = this.database
          .prepare<unknown[], number>(
            `SELECT count(*) FROM (SELECT 1 FROM ${EVENTS_TABLE} WHERE ${where} LIMIT ?)`,
          )
          .pluck()
          .safeIntegers(false);
        this.#counts.set(key, statement);
      }
      const from = after === undefined ? 0 : Number(decodePosition(after, 1)[0]);
      const params: unknown[] = [from];
      if (types !== undefined) params.push(JSON.stringify(types));
      if (categories !== undefined) params.push(JSON.stringify(categories));
      params.push(cap);
      return statement.get(...params) ?? 0;
    });
  }

  #write(name: string, outcome: TransactionOutcome): void {
    const now = Date.now();
    if (outcome.park !== undefined) parkDeadLetter(this.#sql, outcome.park, now);
    if (outcome.unpark !== undefined) this.#sql.deleteDeadLetter.run(name, outcome.unpark);
    for (const reset of outcome.reset ?? []) {
      assertSubscriptionName(reset);
      this.#sql.deleteDeadLetters.run(reset);
      this.#sql.upsertCheckpoint.run(reset, null, now);
    }
    if (outcome.checkpoint !== undefined && outcome.reset?.includes(name) !== true) {
      this.#sql.upsertCheckpoint.run(name, outcome.checkpoint, now);
    }
  }
}
