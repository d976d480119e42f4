import type { Position } from '../position.js';
import type { CheckpointStore, ExpectedCheckpoint } from './checkpoint-store.js';
import type { DeadLetterStore, NewDeadLetter } from './dead-letter-store.js';
import type { LeaseStore } from './lease-store.js';

/** What a storage transaction writes besides the handler's own changes. */
export interface TransactionOutcome {
  /** The new checkpoint (`null`: back to the start); absent leaves it as it is. */
  readonly checkpoint?: Position | null;
  /** An event to park. */
  readonly park?: NewDeadLetter;
  /** The id of a parked event to remove (it was replayed). */
  readonly unpark?: string;
  /**
   * Subscriptions (the scope's, and others named in `alsoLocks`) whose
   * checkpoints go back to the start and whose dead letters are cleared: a rebuild.
   */
  readonly reset?: readonly string[];
}

/** Which subscription a storage transaction is for, and the checkpoint it expects. */
export interface TransactionScope {
  /** The subscription (or group member). */
  readonly name: string;
  /**
   * The checkpoint expected before the work runs, checked first (under a lock
   * where the backend has one): on a mismatch a `CheckpointConflictError` is
   * thrown and nothing runs. Absent: not checked.
   */
  readonly expected?: ExpectedCheckpoint;
  /**
   * Other subscriptions whose checkpoints the transaction may write (a
   * consumer group's other members, on a rebuild): locked first as well.
   */
  readonly alsoLocks?: readonly string[];
}

/** Filters of the feed a subscription reads. */
export interface FeedFilter {
  readonly types?: readonly string[] | undefined;
  readonly categories?: readonly string[] | undefined;
}

/**
 * Where subscriptions keep their state (checkpoints, dead letters, leases) and
 * the transactions their projections run in. `Tx` is what a projection handler
 * gets: the better-sqlite3 `Database` for SQLite, a `pg` client inside `BEGIN`
 * for PostgreSQL, `undefined` in memory. An `atomic` storage commits the
 * handler's writes with the checkpoint (exactly-once read models).
 *
 * @example
 * ```ts
 * const storage = new InMemorySubscriptionStorage();               // eventfold
 * const storage = new SqliteSubscriptionStorage(sqliteStore);      // eventfold/sqlite
 * const storage = new PostgresSubscriptionStorage(postgresStore);  // eventfold/postgres
 * ```
 */
export interface SubscriptionStorage<Tx = undefined> {
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  readonly leases: LeaseStore;
  /** True when {@link SubscriptionStorage.transaction} commits the work and the outcome together. */
  readonly atomic: boolean;
  /**
   * Runs `work` and writes the outcome it returns, in one transaction when the
   * storage is atomic. Checks `scope.expected` first. Work that throws rolls
   * everything back and the error propagates unchanged.
   */
  transaction(
    scope: TransactionScope,
    work: (tx: Tx) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void>;
  /** The position of the last event of the feed now (a cheaper way than reading it through). */
  headPosition?(): Promise<Position | undefined>;
  /** How many events match `filter` after `after`, counted up to `cap`. */
  countEventsAfter?(after: Position | undefined, filter: FeedFilter, cap: number): Promise<number>;
  /**
   * Whether committed events matching `filter` exist after `after`, visible
   * to feed readers or not yet (PostgreSQL's horizon holds back events of
   * transactions newer than one still running). Asked when a read found the
   * end of the feed: `true` means a read may have missed them, and the
   * subscription reads again soon instead of waiting for the next wake-up.
   */
  hasPendingEvents?(after: Position | undefined, filter: FeedFilter): Promise<boolean>;
}
