/**
 * eventfold: event sourcing for TypeScript. This entry point holds events,
 * the registry, errors, the `EventStore` contract, the in-memory store and
 * `createEventStore`. The rest lives under subpaths by purpose:
 * `eventfold/aggregates`, `eventfold/subscriptions`, the database stores
 * `eventfold/sqlite` and `eventfold/postgres`, the test kits
 * `eventfold/testing` and `eventfold/testing/property`, and the building
 * blocks for backend authors `eventfold/backend`.
 *
 * @example
 * ```ts
 * import { createEventStore, defineEvent, payload } from 'eventfold';
 * const TaskCreated = defineEvent('TaskCreated', payload<{ title: string }>());
 * await using store = await createEventStore('memory:');
 * await store.append('Task-1', [TaskCreated({ title: 'Try eventfold' })], { expectedVersion: 0 });
 * ```
 *
 * @module eventfold
 */
export {
  AppendConditionError,
  ConcurrencyError,
  DatabaseError,
  EventIdConflictError,
  InvalidOptionError,
  EventfoldError,
  MigrationError,
  MissingDependencyError,
  OptimisticLockError,
  PersonalDataError,
  SerializationError,
  StoreClosedError,
  StreamDeletedError,
  StreamNotFoundError,
  UnsupportedWriteError,
  ValidationError,
  type CoreErrorCode,
  type DatabaseErrorOptions,
  type ValidationIssue,
} from './core/errors.js';
export {
  deletionStreamOf,
  STREAM_DELETED_EVENT_TYPE,
  type DeleteStreamOptions,
  type DeleteStreamResult,
  type StreamDeletedData,
  type TruncateStreamOptions,
} from './core/stream-deletion.js';
export type {
  JsonValue,
  SetStreamMetadataOptions,
  SetStreamMetadataResult,
  StreamMetadata,
  StreamMetadataResult,
} from './core/stream-metadata.js';
export {
  MAX_REPORTED_STREAMS,
  type ScavengedStream,
  type ScavengeOptions,
  type ScavengeReport,
} from './core/scavenge.js';
export { startScavenger, type Scavenger, type ScavengerOptions } from './core/scavenger.js';
export {
  defineEvent,
  payload,
  upcastFrom,
  type CreateEventOptions,
  type CreatorInput,
  type DefineEventOptions,
  type EventDefinition,
  type EventInputOf,
  type EventMetadata,
  type EventOf,
  type EventType,
  type NewEvent,
  type Recorded,
  type RecordedEvent,
  type UpcastStep,
  type Upcasters,
} from './core/events.js';
export { EventRegistry, type EventRegistryOptions, type UpcastResult } from './core/registry.js';
export {
  hasErasedFields,
  isErased,
  masterKeyWrapper,
  type ErasedValue,
  type PersonalDataOptions,
  type PersonalFields,
  type PersonalFieldsSpec,
} from './core/personal-data.js';
export type { ForgetResult, KeyStore, KeyWrapper } from './core/contracts/key-store.js';
export {
  forgetSubject,
  type ForgetSubjectOptions,
  type ForgetSubjectResult,
} from './core/forget-subject.js';
export { ExpectedVersion } from './core/expected-version.js';
export { comparePositions, type Position } from './core/position.js';
export { categoryOf, MAX_STREAM_ID_LENGTH } from './core/stream-id.js';
export {
  DEFAULT_MAX_EVENT_BYTES,
  MAX_APPEND_MANY_ENTRIES,
  MAX_EVENTS_PER_APPEND,
  type AppendManyEntry,
  type AppendManyOptions,
  type AppendOptions,
} from './core/append-input.js';
export {
  MAX_QUERY_ITEMS,
  MAX_TAG_LENGTH,
  MAX_TAGS_PER_EVENT,
  type AppendCondition,
  type EventQuery,
  type EventQueryItem,
  type QueryReadResult,
  type ReadByQueryOptions,
} from './core/event-query.js';
export type {
  AppendResult,
  EventStore,
  FeedFilter,
  ListStreamsOptions,
  ReadAllOptions,
  ReadAllPage,
  ReadOptions,
  ReadResult,
  StreamListPage,
  StreamSummary,
} from './core/event-store.js';
export type { EventFeed } from './core/feed.js';
export type { StoreCapabilities } from './core/capabilities.js';
export type { EventStoreOptions } from './core/store-options.js';
export {
  carriedTraceContext,
  errorTypeOf,
  traceIdOf,
  TRACEPARENT_KEY,
  TRACESTATE_KEY,
  type SpanPlacement,
  type SubscriptionReading,
  type Telemetry,
  type TelemetryAttributes,
  type TelemetrySpan,
  type TraceCarrier,
} from './core/telemetry.js';
export type { EventfoldLogger } from './core/logger.js';
export type { AbortOptions } from './core/abort.js';
export type { AppendSubscription } from './core/append-signal.js';
export {
  InMemoryEventStore,
  InMemoryKeyStore,
  type InMemoryEventStoreOptions,
} from './stores/memory/index.js';
export { createEventStore, type CreateEventStoreOptions } from './create-event-store.js';
