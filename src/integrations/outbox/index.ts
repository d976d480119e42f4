/**
 * The outbox forwarder: a store's global feed forwarded to a broker (Redis
 * Streams, RabbitMQ, NATS JetStream, or any {@link Publisher}), at least once,
 * in per-stream order, with the event id as the dedup id, on a subscription's
 * checkpoint, lease, retries and dead letters. The broker clients are the
 * caller's (`ioredis`, `amqplib`, `@nats-io/jetstream`): this entry point
 * loads none of them.
 *
 * @module eventfold/outbox
 */
export {
  startForwarder,
  type Forwarder,
  type ForwarderOptions,
  type ForwarderStatus,
} from './start-forwarder.js';
export type { PipelineCounters } from './publish-pipeline.js';
export type { Publisher } from './publisher.js';
export { toOutboxMessage, type OutboxMessage } from './outbox-message.js';
export {
  BrokerUnavailableError,
  PublishRejectedError,
  type OutboxErrorCode,
} from './outbox-errors.js';
export {
  redisStreamsPublisher,
  type RedisCallClient,
  type RedisStreamsPublisherOptions,
} from './redis-streams-publisher.js';
export {
  rabbitMqPublisher,
  type AmqpConfirmChannel,
  type AmqpConnection,
  type AmqpPublishOptions,
  type RabbitMqPublisherOptions,
} from './rabbitmq-publisher.js';
export {
  natsJetStreamPublisher,
  type JetStreamPublishClient,
  type NatsJetStreamPublisherOptions,
} from './nats-jetstream-publisher.js';
