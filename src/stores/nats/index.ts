/**
 * The NATS JetStream event store of eventfold, on `@nats-io/transport-node`
 * and `@nats-io/jetstream` (optional peer dependencies, loaded only when a
 * store connects; without them that throws a `MissingDependencyError` naming
 * the package).
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
