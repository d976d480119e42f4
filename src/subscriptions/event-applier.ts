import type { RecordedEvent } from '../core/events.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { connectionLossOf, isConnectionLost } from './is-connection-lost.js';

/**
 * The events of one slice applied ahead of its transaction (see
 * {@link EventApplier.prepare}): `apply` may await (it runs outside any
 * transaction), `flush` writes what they changed inside the transaction that
 * also moves the checkpoint, synchronously when the storage's transactions are.
 */
export interface PreparedSlice<Tx> {
  /** Applies one event (a handler's failure rejects or throws). */
  apply(event: RecordedEvent): unknown;
  /** Writes the changes of the events applied so far, in the storage transaction. */
  flush(tx: Tx): unknown;
}

/**
 * How a subscription applies an event (for the built-in entry points
 * `subscribe` and `startProjection`): before its checkpoint transaction
 * (a handler, at-least-once), or inside it (a projection, exactly-once on a
 * storage with `atomicReadModels`).
 */
export interface EventApplier<Tx> {
  readonly inTransaction: boolean;
  apply(event: RecordedEvent, tx: Tx | undefined): unknown;
  /**
   * Applies a whole slice's events (those the subscription handles) at once,
   * inside the transaction. A failure names no event: the runner bisects the
   * slice to find it (see `BatchRunner`).
   */
  readonly applyBatch?: ((events: readonly RecordedEvent[], tx: Tx) => unknown) | undefined;
  /** Clears the read model on a rebuild (in the rebuild's transaction). */
  readonly reset?: ((tx: Tx, storage: SubscriptionStorage<Tx>) => unknown) | undefined;
  /**
   * Instead of `apply`: a fresh slice for each attempt at a batch, whose
   * events are applied before the transaction (so handlers may await on a
   * synchronous storage) and flushed inside it. A failure at an event keeps
   * the usual protocol: the slice is discarded, the events before it are
   * prepared again and committed, the failing one is retried alone. Its own
   * failure (not a handler's) is the storage's: retried, never parked.
   */
  readonly prepare?:
    | ((storage: SubscriptionStorage<Tx>) => PreparedSlice<Tx> | Promise<PreparedSlice<Tx>>)
    | undefined;
  /**
   * Told, before the first `apply` of a page (a handler's, not a projection's),
   * the page's events it will be asked to apply, in order: an applier that
   * pipelines its I/O (a broker forwarder) starts it here. Each `apply` still
   * resolves only when its event is done, so the checkpoint, the retries and
   * the parking stay per event.
   */
  readonly prefetch?: ((events: readonly RecordedEvent[]) => void) | undefined;
}

/** A handler's failure, as opposed to a failure of the storage or the feed. */
export class HandlerFault {
  constructor(readonly cause: unknown) {}
}

/**
 * A lost database connection is not the handler's failure (a handler's own
 * query on a dropped connection, or its append through a store that lost
 * one): throws it, so the subscription retries the batch with backoff and
 * never parks the event for it.
 */
export function throwIfConnectionLost(fault: HandlerFault): void {
  if (isConnectionLost(fault.cause)) throw connectionLossOf(fault.cause);
}
