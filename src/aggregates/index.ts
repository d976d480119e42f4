/**
 * Aggregates on top of any eventfold store: the class style ({@link Aggregate}
 * with a typed handler table) and the decider style ({@link Decider}), one
 * repository for both, `AggregateStore` sugar (`save(aggregate)`,
 * `load(Class, id)`), a command handler with bounded retries that a signal or
 * a timeout cancels, snapshots, and correlation / causation metadata.
 *
 * @module eventfold/aggregates
 */
export { Aggregate, type AggregateStatics } from './aggregate.js';
export { AggregateRoot } from './aggregate-root.js';
export { aggregateStreamId } from './aggregate-stream-id.js';
export { AggregateRepository, type AggregateRepositoryOptions } from './aggregate-repository.js';
export { AggregateStore } from './aggregate-store.js';
export type {
  AggregateClass,
  AggregateEventOf,
  AggregateKind,
  AggregateStateOf,
  AggregateType,
} from './aggregate-type.js';
export {
  causedBy,
  type CommandContext,
  type HandleOptions,
  type ResolvedCommandContext,
} from './command-context.js';
export {
  CommandHandler,
  type CommandHandlerOptions,
  type CommandResult,
  type Decide,
  type RetryInfo,
} from './command-handler.js';
export type { Decider } from './decider.js';
export { DeciderAggregate, type DeciderAggregateOptions } from './decider-aggregate.js';
export { withEventContext, type EventContext } from './event-context.js';
export type { EventHandlers } from './event-handlers.js';
export { evolveWith, type EvolveWithOptions, type Reducer } from './evolve-with.js';
export { fromDecider } from './from-decider.js';
export { InMemorySnapshotStore } from './in-memory-snapshot-store.js';
export { loadAggregate, type LoadAggregateOptions } from './load-aggregate.js';
export {
  prepareSnapshot,
  shouldReplaceSnapshot,
  type PreparedSnapshot,
} from '../core/contracts/prepare-snapshot.js';
export { backoffDelay, DEFAULT_RETRY, type RetryOptions } from '../core/retry-options.js';
export { saveAggregate, type SaveAggregateOptions, type SaveResult } from './save-aggregate.js';
export { DEFAULT_SNAPSHOT_POLICY, type SnapshotOptions } from './snapshot-options.js';
export {
  everyNEvents,
  type SnapshotPolicy,
  type SnapshotPolicyContext,
} from './snapshot-policy.js';
export type { NewSnapshot, Snapshot, SnapshotStore } from '../core/contracts/snapshot-store.js';
export { UnhandledEventError } from './unhandled-event-error.js';
export { AggregateNotFoundError } from './aggregate-not-found-error.js';
export type { AggregateErrorCode } from './aggregate-error-code.js';
