import { EventfoldError } from '../../core/errors.js';

/** The codes of the outbox forwarder's errors. */
export type OutboxErrorCode = 'BROKER_UNAVAILABLE' | 'PUBLISH_REJECTED';

/**
 * The broker could not be reached or did not confirm in time: a lost or
 * refused connection, a restart, a timeout, no server listening on the
 * subject. Like a lost database connection (`connectionLost` is set, as on a
 * `DatabaseError`), it is not the event's fault: the forwarder retries
 * its batch with backoff until the broker is back, and never parks an event
 * for it. The outcome of the publish is unknown; the event's id lets the
 * broker or the consumer drop the copy a retry may add.
 *
 * @example
 * ```ts
 * import { BrokerUnavailableError } from 'eventfold/outbox';
 * const error = new BrokerUnavailableError('redis', 'connection refused');
 * console.log(error.code, error.connectionLost); // BROKER_UNAVAILABLE true
 * ```
 */
export class BrokerUnavailableError extends EventfoldError {
  static override readonly code: OutboxErrorCode = 'BROKER_UNAVAILABLE';
  /** The publisher that failed (`'redis-streams'`, `'rabbitmq'`, `'nats-jetstream'`, …). */
  readonly publisher: string;
  /** Always `true`: the connection failed, not the event. */
  readonly connectionLost = true;

  constructor(publisher: string, reason: string, options: { cause?: unknown } = {}) {
    super(`${publisher}: broker unavailable (${reason})`, options);
    this.publisher = publisher;
  }
}

/**
 * The broker answered and refused this event (a negative acknowledgement, an
 * unroutable message, a key of the wrong type, a message too large). It
 * counts as a failure of the event: retried with backoff, then parked as a
 * dead letter (or, with `onFailure: 'stop'`, the forwarder stops).
 *
 * @example
 * ```ts
 * import { PublishRejectedError } from 'eventfold/outbox';
 * const error = new PublishRejectedError('rabbitmq', 'evt-1', 'unroutable');
 * console.log(error.code, error.eventId); // PUBLISH_REJECTED evt-1
 * ```
 */
export class PublishRejectedError extends EventfoldError {
  static override readonly code: OutboxErrorCode = 'PUBLISH_REJECTED';
  /** The publisher that refused it. */
  readonly publisher: string;
  /** The refused event's id. */
  readonly eventId: string;

  constructor(
    publisher: string,
    eventId: string,
    reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${publisher}: event ${eventId} refused (${reason})`, options);
    this.publisher = publisher;
    this.eventId = eventId;
  }
}
