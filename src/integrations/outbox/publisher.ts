import type { RecordedEvent } from '../../core/events.js';

/**
 * What the forwarder needs of a broker: publish a batch of events and confirm
 * each one, then close. eventfold ships one per broker
 * ({@link redisStreamsPublisher}, {@link rabbitMqPublisher},
 * {@link natsJetStreamPublisher}); any object of this shape will do.
 *
 * @example
 * ```ts
 * import type { Publisher } from 'eventfold/outbox';
 * const log: string[] = [];
 * const publisher: Publisher = {
 *   name: 'log',
 *   publish: (events) => events.map(async (event) => void log.push(event.id)),
 *   close: async () => {},
 * };
 * ```
 */
export interface Publisher {
  /** A short name for errors and status (`'redis-streams'`). */
  readonly name: string;
  /**
   * Sends `events` (in feed order, at most one per stream) and returns one
   * promise per event, in the same order, that resolves once the broker has
   * confirmed (stored) that event. A promise rejects with a
   * `BrokerUnavailableError` when the broker cannot be reached (retried until
   * it is back, never parked) and with any other error when the broker refused
   * the event (retried, then parked). The event's `id` is the broker's dedup
   * id, so a retry of a publish whose confirmation was lost adds no copy.
   */
  publish(events: readonly RecordedEvent[]): readonly Promise<void>[];
  /** Releases what the publisher opened itself (not the client it was given). */
  close(): Promise<void>;
}
