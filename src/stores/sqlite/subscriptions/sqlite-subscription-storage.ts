import type BetterSqlite3 from 'better-sqlite3';
import { applyOutcome, type OutcomeWriter } from '../../../core/contracts/apply-outcome.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import type {
  Synchronous,
  TransactionResult,
} from '../../../core/contracts/synchronous-transaction.js';
import { SynchronousTransactionError } from '../../../core/contracts/synchronous-transaction-error.js';
import { isPromiseLike } from '../../../core/is-promise-like.js';
import type { SqliteEventStore } from '../sqlite-event-store.js';
import { toDatabaseError } from '../sqlite-database-error.js';
import { runToPromise } from './run-to-promise.js';
import { checkExpected, SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { parkDeadLetter, SqliteDeadLetterStore } from './sqlite-dead-letter-store.js';
import { SqliteLeaseStore } from './sqlite-lease-store.js';
import { SqliteMembershipStore } from './sqlite-membership-store.js';
import { SqliteDocumentStorage } from './sqlite-document-storage.js';
import { SqliteSubscriptionStatements } from './sqlite-subscription-statements.js';

/**
 * What SQLite projection handlers get: the store's better-sqlite3 `Database`,
 * inside the `BEGIN IMMEDIATE` transaction that also writes the checkpoint.
 * It is `Synchronous`: a handler or reset hook that returns a promise does
 * not compile.
 *
 * @example
 * ```ts
 * const taskList = defineProjection<SqliteTransaction, TaskEvent>({
 *   name: 'task-list',
 *   handlers: { TaskCreated: (e, db) => db.prepare('INSERT INTO tasks VALUES (?)').run(e.streamId) },
 * });
 * ```
 */
export type SqliteTransaction = Synchronous<BetterSqlite3.Database>;

/**
 * Subscription state in a SQLite store's own file: checkpoints, dead letters,
 * leases and group members in the `eventfold_checkpoints`, `eventfold_dead_letters`,
 * `eventfold_leases` and `eventfold_group_members` tables (created by the store's migrations). It has
 * `atomicReadModels`: a projection's handlers get the store's connection
 * (`SqliteTransaction`) inside a `BEGIN IMMEDIATE` transaction that also
 * writes the checkpoint, so read-model tables in the same file are updated
 * exactly once. Its transactions are synchronous (better-sqlite3's are), and
 * its type says so: handlers returning a promise are a compile error, and one
 * that slips through (a cast) fails the projection with a
 * `SynchronousTransactionError`.
 *
 * @example
 * ```ts
 * import { SqliteEventStore, SqliteSubscriptionStorage } from 'eventfold/sqlite';
 * await using store = new SqliteEventStore('events.db');
 * const storage = new SqliteSubscriptionStorage(store);
 * await using running = startProjection(store, taskList, { storage });
 * ```
 */
export class SqliteSubscriptionStorage implements SubscriptionStorage<SqliteTransaction> {
  /** `atomicReadModels` as the store says; `synchronousTransactions` always (better-sqlite3). */
  readonly capabilities: {
    readonly atomicReadModels: boolean;
    readonly synchronousTransactions: true;
  };
  /** The store's connection: what projection handlers get. */
  readonly database: BetterSqlite3.Database;
  readonly checkpoints: SqliteCheckpointStore;
  readonly deadLetters: SqliteDeadLetterStore;
  readonly leases: SqliteLeaseStore;
  /** The live members of rebalancing consumer groups, in `eventfold_group_members` (expiry by SQLite's clock). */
  readonly membership: SqliteMembershipStore;
  /** Document collections in the store's file (the table is created on first use). */
  readonly documents: SqliteDocumentStorage;
  readonly #sql: SqliteSubscriptionStatements;
  readonly #immediate: <T>(fn: () => T) => T;

  constructor(store: SqliteEventStore) {
    const db = store.database;
    this.database = db;
    this.capabilities = {
      atomicReadModels: store.capabilities.atomicReadModels,
      synchronousTransactions: true,
    };
    try {
      this.#sql = new SqliteSubscriptionStatements(db);
    } catch (error) {
      throw toDatabaseError(error, 'preparing the subscription statements');
    }
    const transaction = db.transaction((fn: () => unknown) => fn());
    this.#immediate = <T>(fn: () => T) => transaction.immediate(fn) as T;
    this.checkpoints = new SqliteCheckpointStore(this.#sql, this.#immediate);
    this.deadLetters = new SqliteDeadLetterStore(this.#sql);
    this.leases = new SqliteLeaseStore(this.#sql);
    try {
      this.membership = new SqliteMembershipStore(db, this.#immediate);
    } catch (error) {
      throw toDatabaseError(error, 'preparing the group membership statements');
    }
    this.documents = new SqliteDocumentStorage(db);
  }

  transaction(
    scope: TransactionScope,
    work: (tx: SqliteTransaction) => TransactionResult<SqliteTransaction, TransactionOutcome>,
  ): Promise<void> {
    const { name, expected } = scope;
    let workFailed = false;
    return runToPromise(
      `committing for subscription "${name}"`,
      () => {
        assertSubscriptionName(name);
        this.#immediate(() => {
          if (expected !== undefined) checkExpected(this.#sql, name, expected);
          let outcome: unknown;
          try {
            outcome = work(this.database as SqliteTransaction);
          } catch (error) {
            workFailed = true;
            throw error;
          }
          if (isPromiseLike(outcome)) {
            Promise.resolve(outcome).catch(() => undefined);
            throw new SynchronousTransactionError(name);
          }
          applyOutcome(outcome as TransactionOutcome, name, this.#writer());
        });
      },
      () => workFailed, // the work's own errors propagate unchanged
    );
  }

  /** Writes an outcome with the statements, inside the transaction. */
  #writer(): OutcomeWriter<void> {
    const sql = this.#sql;
    const now = Date.now();
    return {
      park: (letter) => parkDeadLetter(sql, letter, now),
      unpark: (subscription, eventId) => void sql.deleteDeadLetter.run(subscription, eventId),
      clearDeadLetters: (subscription) => void sql.deleteDeadLetters.run(subscription),
      saveCheckpoint: (name, position) => void sql.upsertCheckpoint.run(name, position, now),
    };
  }
}
