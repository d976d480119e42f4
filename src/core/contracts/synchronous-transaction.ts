declare const synchronous: unique symbol;

/**
 * The mark of a transaction handle whose work must finish without awaiting
 * (better-sqlite3 runs a transaction synchronously). Type-only: nothing of it
 * exists at run time.
 */
export interface SynchronousTransaction {
  readonly [synchronous]: true;
}

/**
 * `Tx` marked synchronous: projection handlers and reset hooks that get it
 * must not return a promise, which the compiler then checks.
 *
 * @example
 * ```ts
 * type SqliteTransaction = Synchronous<BetterSqlite3.Database>;
 * const bad: ProjectionHandler<SqliteTransaction> = async () => {}; // compile error
 * ```
 */
export type Synchronous<Tx> = Tx & SynchronousTransaction;

/** An object that is not a promise (nor any other thenable). */
export interface NotThenable {
  readonly then?: never;
}

/**
 * Any value but a promise or other thenable: what work in a synchronous
 * transaction may return (a better-sqlite3 `RunResult`, `undefined`, …).
 */
export type NotPromise =
  undefined | null | string | number | boolean | bigint | symbol | (object & NotThenable);

/**
 * Whether `Tx` is {@link Synchronous}: `true` or `false`, and `boolean` when
 * `Tx` is `unknown` (any storage). A storage's `capabilities.synchronousTransactions`
 * has this type, which ties the flag to its `Tx`.
 *
 * @example
 * ```ts
 * type A = IsSynchronous<SqliteTransaction>; // true
 * type B = IsSynchronous<PoolClient>; // false
 * ```
 */
export type IsSynchronous<Tx> = unknown extends Tx
  ? boolean
  : Tx extends SynchronousTransaction
    ? true
    : false;

/**
 * What work in a transaction of `Tx` returns: a `T` at once when `Tx` is
 * {@link Synchronous}, else a `T` or a promise of one.
 *
 * @example
 * ```ts
 * type A = TransactionResult<PoolClient, TransactionOutcome>; // TransactionOutcome | Promise<TransactionOutcome>
 * type B = TransactionResult<SqliteTransaction, TransactionOutcome>; // TransactionOutcome, never a promise
 * ```
 */
export type TransactionResult<Tx, T> =
  IsSynchronous<Tx> extends true ? T & NotThenable : T | Promise<T>;

/**
 * What a projection handler or reset hook getting `Tx` returns: anything but
 * a promise when `Tx` is {@link Synchronous} (nothing, or a value such as a
 * `RunResult`), else nothing or a promise.
 *
 * @example
 * ```ts
 * const handler: (e: RecordedEvent, tx: PoolClient) => HandlerResult<PoolClient> = async (e, tx) => {
 *   await tx.query('…');
 * };
 * ```
 */
export type HandlerResult<Tx> =
  // `void`: what a handler with a block body and no `return` gives back.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  IsSynchronous<Tx> extends true ? NotPromise | void : void | Promise<void>;
