/**
 * The PostgreSQL event store of eventfold, on `pg` (an optional peer
 * dependency, loaded only when a store opens its pool; without it that throws a
 * `MissingDependencyError` naming `pg` and `npm install pg`).
 *
 * @example
 * ```ts
 * import { PostgresEventStore } from 'eventfold/postgres';
 * const store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * ```
 *
 * @module eventfold/postgres
 */
export { PostgresEventStore } from './postgres-event-store.js';
export type { PostgresCursor } from './postgres-driver.js';
export type {
  PostgresEventStoreOptions,
  PostgresReplicaOptions,
} from './postgres-event-store-options.js';
export {
  ReadOnlyStoreError,
  ReplicationTimeoutError,
  type ReplicaErrorCode,
} from './replica-errors.js';
export type { PostgresTimeouts } from './postgres-timeouts.js';
export type { FeedHealth } from './feed-health.js';
export type { AppendSubscription } from '../../core/append-signal.js';
export { assertSchemaName, DEFAULT_SCHEMA } from './schema-name.js';
export { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION } from './migrations/index.js';
export { PostgresSnapshotStore } from './postgres-snapshot-store.js';
export {
  PostgresKeyStore,
  type KeyVacuum,
  type PostgresKeyStoreOptions,
} from './postgres-key-store.js';
export { PostgresSubscriptionStorage } from './subscriptions/postgres-subscription-storage.js';
export type { PostgresCheckpointStore } from './subscriptions/postgres-checkpoint-store.js';
export type { PostgresDeadLetterStore } from './subscriptions/postgres-dead-letter-store.js';
export type { PostgresLeaseStore } from './subscriptions/postgres-lease-store.js';
export type { PostgresMembershipStore } from './subscriptions/postgres-membership-store.js';
export type { PostgresDocumentStorage } from './subscriptions/postgres-document-storage.js';
