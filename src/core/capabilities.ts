/**
 * What a store can do, declared by its backend. Code outside `src/stores/`
 * asks these flags and never which backend it runs on.
 *
 * @example
 * ```ts
 * if (!store.capabilities.atomicReadModels) console.warn('projections here are at-least-once');
 * ```
 */
export interface StoreCapabilities {
  /** Several processes may append to and read the same storage at once (a SQLite file, a PostgreSQL database). */
  readonly multiProcess: boolean;
  /** Events survive the process that wrote them. */
  readonly durable: boolean;
  /**
   * `onAppended` hears appends made by other processes (PostgreSQL's
   * `LISTEN/NOTIFY`). Without it only this store's own appends wake listeners,
   * and other writers are seen by polling.
   */
  readonly crossProcessNotifications: boolean;
  /**
   * A subscription storage of this backend can commit a projection's own
   * writes with its checkpoint in one database transaction (exactly-once read models).
   */
  readonly atomicReadModels: boolean;
  /**
   * That transaction is synchronous (better-sqlite3): a projection handler
   * must finish its writes without awaiting.
   */
  readonly synchronousTransactions: boolean;
  /**
   * A committed event can become visible to feed readers after a later one
   * (PostgreSQL's feed horizon holds back events of transactions newer than
   * one still running); {@link EventStore.hasPendingEvents} tells when.
   */
  readonly delayedVisibility: boolean;
  /**
   * `appendMany` over several streams is all-or-nothing. Without it (NATS
   * JetStream, one subject per message) such a call is refused with an
   * `UNSUPPORTED_WRITE` error before anything is written; an `appendMany` of
   * one stream still works.
   */
  readonly atomicMultiStreamAppends: boolean;
}
