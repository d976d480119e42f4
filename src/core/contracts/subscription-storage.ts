import type { Position } from '../position.js';
import type { CheckpointStore, ExpectedCheckpoint } from './checkpoint-store.js';
import type { DeadLetterStore, NewDeadLetter } from './dead-letter-store.js';
import type { DocumentStorage } from './document-storage.js';
import type { LeaseStore } from './lease-store.js';
import type { MembershipStore } from './membership-store.js';
import type { IsSynchronous, NotThenable, TransactionResult } from './synchronous-transaction.js';

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

/**
 * What a subscription storage can do, declared by it (the SQL storages take
 * the flags of their store's `capabilities`).
 *
 * @example
 * ```ts
 * if (!storage.capabilities.atomicReadModels) console.warn('this projection is at-least-once');
 * ```
 */
export interface SubscriptionStorageCapabilities {
  /**
   * {@link SubscriptionStorage.transaction} commits the work's own writes
   * (a projection's read model) together with the outcome: exactly-once
   * projections. Without it, projections run like handlers (at-least-once).
   */
  readonly atomicReadModels: boolean;
  /**
   * Its transactions are synchronous: the work must finish without awaiting.
   * A storage's `Tx` is then marked `Synchronous`, and the compiler refuses
   * projection handlers that return a promise.
   */
  readonly synchronousTransactions: boolean;
}

/** Where subscription state lives: checkpoints, dead letters, leases and group membership. */
export interface SubscriptionStateStores {
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  readonly leases: LeaseStore;
  /**
   * The live members of rebalancing consumer groups (the memory, SQLite and
   * PostgreSQL storages have it; a group whose partitions move between
   * members needs it).
   */
  readonly membership?: MembershipStore | undefined;
}

/**
 * Where subscriptions keep their state (checkpoints, dead letters, leases) and
 * the transactions their projections run in. `Tx` is what a projection handler
 * gets: the better-sqlite3 `Database` for SQLite (marked `Synchronous`), a
 * `pg` client inside `BEGIN` for PostgreSQL, `undefined` in memory.
 *
 * @example
 * ```ts
 * const memory = new InMemorySubscriptionStorage();            // eventfold
 * const sqlite = new SqliteSubscriptionStorage(sqliteStore);     // eventfold/sqlite
 * const postgres = new PostgresSubscriptionStorage(pgStore);     // eventfold/postgres
 * ```
 */
export interface SubscriptionStorage<Tx = undefined> extends SubscriptionStateStores {
  /** What it can do; `synchronousTransactions` is `true` exactly when `Tx` is `Synchronous`. */
  readonly capabilities: SubscriptionStorageCapabilities & {
    readonly synchronousTransactions: IsSynchronous<Tx>;
  };
  /**
   * Runs `work` and writes the outcome it returns (with `applyOutcome`), in
   * one transaction when the storage has `atomicReadModels`. Checks
   * `scope.expected` first. Work that throws rolls everything back and the
   * error propagates unchanged. For a synchronous `Tx`, `work` must not
   * return a promise.
   */
  transaction(
    scope: TransactionScope,
    work: (tx: Tx) => TransactionResult<Tx, TransactionOutcome>,
  ): Promise<void>;
  /**
   * Document collections beside the checkpoints, written in this storage's
   * transactions (document projections need it; the memory, SQLite and
   * PostgreSQL storages have it).
   */
  readonly documents?: DocumentStorage<Tx> | undefined;
}

/**
 * A subscription storage of any `Tx`, as code that never hands its
 * transaction to a handler sees it (a subscription with a handler, status
 * views): its work ignores the transaction and finishes without awaiting, so
 * it runs in every storage.
 *
 * @example
 * ```ts
 * const storages: AnySubscriptionStorage[] = [sqliteStorage, postgresStorage, new InMemorySubscriptionStorage()];
 * ```
 */
export interface AnySubscriptionStorage extends SubscriptionStateStores {
  readonly capabilities: SubscriptionStorageCapabilities;
  /** See {@link SubscriptionStorage.transaction}. */
  transaction(
    scope: TransactionScope,
    work: (tx: unknown) => TransactionOutcome & NotThenable,
  ): Promise<void>;
}

/**
 * The transaction handle projection handlers get from a storage of type `S`.
 *
 * @example
 * ```ts
 * const taskList = defineProjection<StorageTransaction<SqliteSubscriptionStorage>, TaskEvent>({ … });
 * ```
 */
export type StorageTransaction<S> = S extends SubscriptionStorage<infer Tx> ? Tx : never;
