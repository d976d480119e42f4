/**
 * eventfold: event sourcing for TypeScript. The core API and the in-memory
 * store; the SQLite and PostgreSQL stores live under `eventfold/sqlite` and
 * `eventfold/postgres`, and the conformance suite under `eventfold/testing`.
 *
 * @module
 */
export {
  AggregateNotFoundError,
  ConcurrencyError,
  DatabaseError,
  EventIdConflictError,
  EventfoldError,
  MigrationError,
  OptimisticLockError,
  SerializationError,
  StoreClosedError,
  StreamNotFoundError,
  ValidationError,
  type EventfoldErrorCode,
  type ValidationIssue,
} from './core/errors.js';
export {
  defineEvent,
  payload,
  type CreateEventOptions,
  type EventDefinition,
  type EventMetadata,
  type EventOf,
  type EventType,
  type NewEvent,
  type Recorded,
  type RecordedEvent,
} from './core/events.js';
export { EventRegistry, type EventRegistryOptions } from './core/registry.js';
export { ExpectedVersion } from './core/expected-version.js';
export { comparePositions, type Position } from './core/position.js';
export { categoryOf, MAX_STREAM_ID_LENGTH } from './core/stream-id.js';
export {
  DEFAULT_MAX_EVENT_BYTES,
  MAX_EVENTS_PER_APPEND,
  type AppendOptions,
} from './core/append-input.js';
export type {
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadAllPage,
  ReadOptions,
  ReadResult,
} from './core/event-store.js';
export type { EventFeed } from './core/feed.js';
export type { AppendSubscription } from './core/append-signal.js';
export { InMemoryEventStore, type InMemoryEventStoreOptions } from './stores/memory/index.js';
export { createEventStore, type CreateEventStoreOptions } from './create-event-store.js';
export {
  Aggregate,
  AggregateRepository,
  AggregateRoot,
  AggregateStore,
  aggregateStreamId,
  backoffDelay,
  causedBy,
  CommandHandler,
  DEFAULT_RETRY,
  DEFAULT_SNAPSHOT_POLICY,
  DeciderAggregate,
  everyNEvents,
  evolveWith,
  fromDecider,
  InMemorySnapshotStore,
  loadAggregate,
  prepareSnapshot,
  saveAggregate,
  shouldReplaceSnapshot,
  UnhandledEventError,
  withEventContext,
  type AggregateClass,
  type AggregateEventOf,
  type AggregateKind,
  type AggregateRepositoryOptions,
  type AggregateStateOf,
  type AggregateStatics,
  type AggregateType,
  type CommandContext,
  type CommandHandlerOptions,
  type CommandResult,
  type Decide,
  type Decider,
  type DeciderAggregateOptions,
  type EventContext,
  type EventHandlers,
  type EvolveWithOptions,
  type LoadAggregateOptions,
  type NewSnapshot,
  type PreparedSnapshot,
  type ResolvedCommandContext,
  type RetryInfo,
  type RetryOptions,
  type SaveAggregateOptions,
  type SaveResult,
  type Snapshot,
  type SnapshotOptions,
  type SnapshotPolicy,
  type SnapshotPolicyContext,
  type SnapshotStore,
} from './aggregates/index.js';
