/**
 * Subscriptions and projections on any eventfold store: catch-up then live
 * reading of the global feed, checkpoints, exactly-once projections on the SQL
 * storages, retries and dead letters, leases, consumer groups and status.
 * The SQLite and PostgreSQL storages live under `eventfold/sqlite` and
 * `eventfold/postgres`.
 *
 * @module eventfold/subscriptions
 */
export { subscribe, type SubscribeOptions } from './subscribe.js';
export { Subscription, type EventApplier, type ReplayResult } from './subscription.js';
export {
  DEFAULT_HANDLER_RETRY,
  type LeaseOptions,
  type SubscriptionErrorInfo,
  type SubscriptionOptions,
  type SubscriptionStart,
} from './subscription-options.js';
export {
  defineProjection,
  type Projection,
  type ProjectionDefinition,
  type ProjectionBatchHandler,
  type ProjectionHandler,
  type ProjectionHandlers,
} from './projection.js';
export {
  startProjection,
  type ProjectionOptions,
  type StoreProjectionOptions,
} from './start-projection.js';
export {
  createSubscriptionStorage,
  type SubscriptionStorageProvider,
} from '../core/contracts/subscription-storage-provider.js';
export { resetProjection } from './reset-projection.js';
export type { SubscriptionState, SubscriptionStatus } from './subscription-status.js';
export type { CatchUpProgress } from './progress-meter.js';
export { MAX_LAG_COUNT, type SubscriptionLag } from './feed-lag.js';
export {
  readSubscriptionStatuses,
  type StoredSubscriptionStatus,
} from './read-subscription-statuses.js';
export type {
  Checkpoint,
  CheckpointStore,
  ExpectedCheckpoint,
} from '../core/contracts/checkpoint-store.js';
export {
  toDeadLetterError,
  type DeadLetter,
  type DeadLetterError,
  type DeadLetterStore,
  type NewDeadLetter,
} from '../core/contracts/dead-letter-store.js';
export type { Lease, LeaseInfo, LeaseStore } from '../core/contracts/lease-store.js';
export type {
  AnySubscriptionStorage,
  StorageTransaction,
  SubscriptionStateStores,
  SubscriptionStorage,
  SubscriptionStorageCapabilities,
  TransactionOutcome,
  TransactionScope,
} from '../core/contracts/subscription-storage.js';
export type {
  HandlerResult,
  IsSynchronous,
  NotPromise,
  NotThenable,
  Synchronous,
  SynchronousTransaction,
  TransactionResult,
} from '../core/contracts/synchronous-transaction.js';
export { SynchronousTransactionError } from '../core/contracts/synchronous-transaction-error.js';
export { applyOutcome, type OutcomeWriter } from '../core/contracts/apply-outcome.js';
export { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
export { InMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
export { InMemoryLeaseStore } from './in-memory-lease-store.js';
export { InMemorySubscriptionStorage } from './in-memory-subscription-storage.js';
export {
  ComposedSubscriptionStorage,
  type SubscriptionStorageParts,
} from './composed-subscription-storage.js';
export { CheckpointConflictError } from '../core/contracts/checkpoint-conflict-error.js';
export { HandlerFailedError, type SubscriptionErrorCode } from './handler-failed-error.js';
export { groupMemberName, type ConsumerGroupOptions } from './consumer-group.js';
export { GroupSubscription } from './group-subscription.js';
export type { GroupState, GroupStatus, GroupSubscriptionOptions } from './group-status.js';
export { MAX_GROUP_PARTITIONS, type RebalancingGroupOptions } from './rebalancing-group.js';
export { assignedPartitions, assignPartitions } from './partition-assignment.js';
export type { GroupMember, MembershipStore } from '../core/contracts/membership-store.js';
export { MAX_MEMBER_ID_LENGTH } from '../core/contracts/membership-arguments.js';
export { InMemoryMembershipStore } from './in-memory-membership-store.js';
export { groupMemberOf, streamHash } from './stream-hash.js';
export {
  assertSubscriptionName,
  MAX_SUBSCRIPTION_NAME_LENGTH,
} from '../core/contracts/subscription-name.js';
export {
  documentCollection,
  type DocumentCollection,
  type DocumentFilter,
  type DocumentFindOptions,
  type DocumentOf,
  type DocumentReader,
  type FieldCondition,
  type FieldTypeOf,
  type IndexableField,
  type IndexesFor,
} from './documents/document-collection.js';
export type { CollectionWriter } from './documents/collection-writer.js';
export {
  defineDocumentProjection,
  type CollectionWriters,
  type DocumentCollections,
  type DocumentHandler,
  type DocumentHandlers,
  type DocumentProjection,
  type DocumentProjectionDefinition,
} from './documents/document-projection.js';
export { documentsOf, type DocumentsView } from './documents/documents-of.js';
export { InMemoryDocumentStorage } from './in-memory-document-storage.js';
export type { DocumentProjectionOptions } from './start-projection.js';
export type { PreparedSlice } from './event-applier.js';
export { DocumentExistsError, DocumentNotFoundError } from '../core/contracts/document-errors.js';
export {
  assertCollectionName,
  assertDocumentId,
  assertDocumentIndexes,
  MAX_DOCUMENT_ID_LENGTH,
  MAX_DOCUMENT_LIMIT,
  prepareDocument,
  prepareDocumentQuery,
  runDocumentQuery,
  type FindOptions,
} from '../core/contracts/document-query.js';
export type {
  DocumentChange,
  DocumentCondition,
  DocumentEntry,
  DocumentFieldType,
  DocumentFieldValue,
  DocumentIndexes,
  DocumentOperator,
  DocumentQuery,
  DocumentReads,
  DocumentStorage,
  DocumentWriteResult,
  JsonDocument,
} from '../core/contracts/document-storage.js';
