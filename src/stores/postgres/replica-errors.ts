import { EventfoldError } from '../../core/errors.js';

/** The codes of the PostgreSQL replica errors. */
export type ReplicaErrorCode = 'READ_ONLY_STORE' | 'REPLICATION_TIMEOUT';

/**
 * A write (append, deletion, metadata, scavenge), a migration or a
 * subscription storage was asked of a read-only store: one opened with
 * `readOnly: true` (a hot standby), or a primary's `replica`. Nothing was sent
 * to the server. Append on the primary; give subscriptions a storage on the
 * primary (a primary's `replica` does that by itself).
 *
 * @example
 * ```ts
 * try { await replica.append('Order-1', events) } catch (e) {
 *   if (ReadOnlyStoreError.is(e)) console.error(e.operation); // 'append'
 * }
 * ```
 */
export class ReadOnlyStoreError extends EventfoldError {
  /** `'READ_ONLY_STORE'`, the code of every instance. */
  static override readonly code: ReplicaErrorCode = 'READ_ONLY_STORE';
  /** What was refused: `'append'`, `'migrate'`, `'delete'`, `'subscription storage'`… */
  readonly operation: string;

  constructor(operation: string, hint = 'write through a store on the primary') {
    super(`This PostgreSQL store is read-only (a replica): ${operation} refused; ${hint}`);
    this.operation = operation;
  }
}

/**
 * A wait for a replica to replay the primary's WAL up to a position
 * (`waitForReplay`, `waitForReplica`) ran out of time: the standby is paused,
 * stopped, disconnected or lagging more than the wait allowed.
 *
 * @example
 * ```ts
 * try { await store.waitForReplica({ timeoutMs: 2_000 }) } catch (e) {
 *   if (ReplicationTimeoutError.is(e)) console.warn(e.target, e.reached); // read the primary instead
 * }
 * ```
 */
export class ReplicationTimeoutError extends EventfoldError {
  /** `'REPLICATION_TIMEOUT'`, the code of every instance. */
  static override readonly code: ReplicaErrorCode = 'REPLICATION_TIMEOUT';
  /** The WAL position waited for (`'0/3000148'`). */
  readonly target: string;
  /** The last position the replica had replayed, when it answered. */
  readonly reached: string | undefined;
  /** How long the wait lasted, in milliseconds. */
  readonly timeoutMs: number;

  constructor(target: string, reached: string | undefined, timeoutMs: number, cause?: unknown) {
    super(
      `The PostgreSQL replica did not replay the WAL up to ${target} within ${timeoutMs} ms (replayed: ${reached ?? 'unknown'})`,
      cause === undefined ? undefined : { cause },
    );
    this.target = target;
    this.reached = reached;
    this.timeoutMs = timeoutMs;
  }
}
