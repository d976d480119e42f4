import type { AbortOptions } from '../../core/abort.js';
import { InvalidOptionError } from '../../core/errors.js';
import type { EventStore } from '../../core/event-store.js';
import { checkOption } from '../../core/options.js';
import type { Position } from '../../core/position.js';
import type { AnySubscriptionStorage } from '../../core/contracts/subscription-storage.js';
import { Subscription, type ReplayResult } from '../../subscriptions/subscription.js';
import type { SubscriptionOptions } from '../../subscriptions/subscription-options.js';
import type { SubscriptionStatus } from '../../subscriptions/subscription-status.js';
import { PublishPipeline, type PipelineCounters } from './publish-pipeline.js';
import type { Publisher } from './publisher.js';

/**
 * Options of {@link startForwarder}: the subscription's options (name,
 * storage, from, types, categories, batchSize, retry, onFailure, lease, group…) and
 * the publisher.
 */
export interface ForwarderOptions extends Omit<SubscriptionOptions<unknown>, 'storage'> {
  /** Where the broker side is: one of the publishers of `eventfold/outbox`, or your own. */
  publisher: Publisher;
  /**
   * Where the checkpoint, dead letters and lease live (default: the store's
   * own, as for `subscribe`).
   */
  storage?: AnySubscriptionStorage;
  /** Publishes sent and not yet confirmed, at most (default 64). */
  maxInFlight?: number;
  /** How long a publish may wait for its confirmation, in milliseconds (default 10,000); then the broker counts as unavailable. */
  publishTimeoutMs?: number;
}

/** A forwarder's status: its subscription's, and its publishes. */
export interface ForwarderStatus extends SubscriptionStatus, PipelineCounters {}

/**
 * A running forwarder (see {@link startForwarder}).
 *
 * @example
 * ```ts
 * const forwarder = startForwarder(store, { name: 'to-redis', publisher });
 * await forwarder.waitForPosition(appended.position);
 * await forwarder.stop();
 * ```
 */
export interface Forwarder extends AsyncDisposable {
  /** Its subscription's name (its checkpoint, lease and dead letters). */
  readonly name: string;
  /** Resolves once it has first forwarded up to the end of the feed. */
  readonly caughtUp: Promise<void>;
  /** Resolves when it has stopped; rejects with the error that made it fail. */
  readonly finished: Promise<void>;
  /** Resolves once every event up to `position` is confirmed by the broker (or parked) and checkpointed. */
  waitForPosition(position: Position, options?: AbortOptions): Promise<void>;
  /** The subscription's status, with the publishes in flight and confirmed. */
  status(): Promise<ForwarderStatus>;
  /** Publishes the parked events again (all, or those ids); confirmed ones leave the dead letters. */
  replayParked(options?: { eventIds?: readonly string[] }): Promise<ReplayResult>;
  /** Stops: finishes the event in hand, stores the checkpoint, waits for the publishes in flight, closes the publisher. */
  stop(): Promise<void>;
}

/**
 * Forwards a store's global feed to a broker, built on a subscription, so it
 * keeps a stored checkpoint, a lease (one instance per name), retries with
 * backoff and parking. Delivery is at least once, in per-stream order, with
 * the event id as the broker's dedup id: events are published ahead of the
 * checkpoint (up to `maxInFlight` at once, one unconfirmed event per stream),
 * and the checkpoint moves only past events the broker confirmed. An
 * unreachable broker is waited for (the subscription shows `'retrying'`); an
 * event the broker refuses is retried, then parked.
 *
 * @example
 * ```ts
 * import { InMemoryEventStore } from 'eventfold';
 * import { startForwarder, type Publisher } from 'eventfold/outbox';
 *
 * const store = new InMemoryEventStore();
 * const seen: string[] = [];
 * const publisher: Publisher = {
 *   name: 'console',
 *   publish: (events) => events.map(async (event) => void seen.push(event.type)),
 *   close: async () => {},
 * };
 * const forwarder = startForwarder(store, { name: 'demo', publisher });
 * const { position } = await store.append('Order-1', [{ type: 'OrderPlaced', data: {} }]);
 * await forwarder.waitForPosition(position);
 * await forwarder.stop();
 * console.log(seen); // ['OrderPlaced']
 * ```
 */
export function startForwarder(store: EventStore, options: ForwarderOptions): Forwarder {
  checkOption.object('options', options);
  const { publisher, maxInFlight = 64, publishTimeoutMs = 10_000, ...rest } = options;
  if (
    typeof publisher !== 'object' ||
    publisher === null ||
    typeof publisher.publish !== 'function' ||
    typeof publisher.close !== 'function' ||
    typeof publisher.name !== 'string'
  ) {
    throw new InvalidOptionError('publisher', publisher, 'a Publisher (name, publish, close)');
  }
  checkOption.integer('maxInFlight', maxInFlight, 1, 100_000);
  checkOption.milliseconds('publishTimeoutMs', publishTimeoutMs, 1);
  const pipeline = new PublishPipeline(publisher, maxInFlight, publishTimeoutMs);
  const subscription = new Subscription<unknown>(store, rest, {
    inTransaction: false,
    apply: (event) => pipeline.apply(event),
    prefetch: (events) => pipeline.prefetch(events),
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await subscription.stop();
      await pipeline.idle();
      await publisher.close();
    })());
  const finished = subscription.finished.finally(() => stop().catch(() => undefined));
  finished.catch(() => undefined);
  subscription.start();
  return {
    name: subscription.name,
    caughtUp: subscription.caughtUp,
    finished,
    waitForPosition: (position, abort) => subscription.waitForPosition(position, abort),
    status: async () => ({ ...(await subscription.status()), ...pipeline.counters }),
    replayParked: (replay) => subscription.replayParked(replay),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
