import { InvalidOptionError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import type { NewEvent, Recorded, RecordedEvent } from '../core/events.js';
import { Subscription } from './subscription.js';
import { GroupSubscription } from './group-subscription.js';
import { isRebalancingGroup, type RebalancingGroupOptions } from './rebalancing-group.js';
import type { EventApplier } from './event-applier.js';
import type { SubscriptionOptions } from './subscription-options.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';

/** Options of {@link subscribe}: the common options and the handler. */
export interface SubscribeOptions<E extends NewEvent = NewEvent> extends Omit<
  SubscriptionOptions<unknown>,
  'storage' | 'types'
> {
  /**
   * Called once per event, in feed order; an event is done when it returns, or
   * when the promise it returns resolves (any other value is ignored). Throw
   * (or reject) to retry. Required (a function).
   */
  handler: (event: Recorded<E>) => unknown;
  /**
   * Where checkpoints, dead letters and leases live; any storage fits. Default:
   * the store's own (SQLite, PostgreSQL: on its database, so a restart resumes
   * from the checkpoint); on the in-memory store, one in-memory storage per store.
   */
  storage?: AnySubscriptionStorage;
  /** Only events of these types: the types of `E` (any string when `E` is left out). */
  types?: readonly E['type'][];
}

/**
 * Subscribes a handler to a store's global feed and starts it: from its
 * checkpoint (or `from`), catching up in batches, then live, woken by the
 * store's append signal. Delivery is at-least-once: the checkpoint is stored
 * after each batch, so after a crash the events of the unfinished batch are
 * handled again; make the handler idempotent, or use a projection. Stop it
 * with `stop()`, `await using`, or the `signal` option. Options are checked
 * before it starts: without them, or without a `handler` function, it throws
 * an `InvalidOptionError` naming `options` or `handler`. With a rebalancing
 * `group: { partitions }`, it joins that group and returns a
 * {@link GroupSubscription} running this member's partitions.
 *
 * @example
 * ```ts
 * await using mailer = subscribe<OrderEvent>(store, {
 *   name: 'mailer',
 *   storage: new SqliteSubscriptionStorage(store),
 *   types: ['OrderPlaced'],
 *   handler: async (event) => sendConfirmation(event.data.orderId),
 *   signal: shutdown.signal, // aborting stops it too
 * });
 * await mailer.caughtUp;
 * ```
 */
export function subscribe<E extends NewEvent = NewEvent>(
  store: EventStore,
  options: SubscribeOptions<E> & { group: RebalancingGroupOptions },
): GroupSubscription;
/** Subscribes a handler (see the first overload); with a fixed `group` or none, one {@link Subscription}. */
export function subscribe<E extends NewEvent = NewEvent>(
  store: EventStore,
  options: SubscribeOptions<E>,
): Subscription;
export function subscribe<E extends NewEvent = NewEvent>(
  store: EventStore,
  options: SubscribeOptions<E>,
): Subscription | GroupSubscription {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidOptionError('options', options, 'an options object with a handler');
  const { handler, ...rest } = options;
  if (typeof handler !== 'function') throw new InvalidOptionError('handler', handler, 'a function');
  const applier: EventApplier<unknown> = {
    inTransaction: false,
    apply: (event: RecordedEvent) => handler(event as Recorded<E>),
  };
  const { group } = rest;
  if (isRebalancingGroup(group)) {
    return new GroupSubscription<unknown>(store, { ...rest, group }, applier).start();
  }
  return new Subscription<unknown>(store, rest, applier).start();
}
