/**
 * The NATS JetStream event store of eventfold, on `@nats-io/transport-node`,
 * `@nats-io/jetstream` and `@nats-io/kv` (optional peer dependencies, loaded
 * only when a store connects; without them that throws a
 * `MissingDependencyError` naming the package), and its snapshot, key and
 * subscription storages in JetStream key-value buckets.
 *
 * @example
 * ```ts
 * import { NatsEventStore } from 'eventfold/nats';
 * const store = await NatsEventStore.connect({ servers: 'nats://127.0.0.1:4222', stream: 'orders' });
 * ```
 *
 * @module eventfold/nats
 */
export { NatsEventStore } from './nats-event-store.js';
export type { NatsCursor } from './nats-positions.js';
export { DEFAULT_STREAM, type NatsEventStoreOptions } from './nats-event-store-options.js';
export { UnsafeReplicationError } from './nats-errors.js';
export type { AppendSubscription } from '../../core/append-signal.js';
export type { NatsKvOptions } from './nats-kv.js';
export { NatsSnapshotStore } from './nats-snapshot-store.js';
export { NatsKeyStore } from './nats-key-store.js';
export { NatsSubscriptionStorage } from './subscriptions/nats-subscription-storage.js';
export type { NatsCheckpointStore } from './subscriptions/nats-checkpoint-store.js';
export type { NatsDeadLetterStore } from './subscriptions/nats-dead-letter-store.js';
export type { NatsLeaseStore } from './subscriptions/nats-lease-store.js';
export type { NatsMembershipStore } from './subscriptions/nats-membership-store.js';
