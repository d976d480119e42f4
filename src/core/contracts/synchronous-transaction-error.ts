import { EventfoldError, type CoreErrorCode } from '../errors.js';

/**
 * Work in a synchronous transaction (a SQLite projection handler or reset
 * hook) returned a promise. The transaction was rolled back and the
 * subscription fails: better-sqlite3 cannot keep a transaction open across an
 * `await`. The handler types forbid it at compile time; this catches what a
 * cast or `any` let through.
 *
 * @example
 * ```ts
 * running.finished.catch((e) => {
 *   if (SynchronousTransactionError.is(e)) console.error(`${e.subscription}: make its handlers synchronous`);
 * });
 * ```
 */
export class SynchronousTransactionError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'SYNCHRONOUS_TRANSACTION';
  /** The subscription whose work returned a promise. */
  readonly subscription: string;

  constructor(subscription: string) {
    super(
      `Subscription "${subscription}": this storage's transactions are synchronous, so projection ` +
        'handlers and reset hooks must finish without awaiting; this one returned a promise',
    );
    this.subscription = subscription;
  }
}
