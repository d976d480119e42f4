/**
 * Building blocks for backend authors: the shared input checks, idempotency
 * rule, position encoding and row decoding every eventfold store uses, so a
 * new backend has the same semantics as the built-in ones.
 *
 * @module eventfold/backend
 */
export {
  prepareAppend,
  prepareAppendMany,
  type AppendInputSettings,
  type PreparedAppend,
  type PreparedAppendMany,
  type PreparedCondition,
  type PreparedEvent,
} from './core/append-input.js';
export {
  eventMatchesQuery,
  normalizeEventQuery,
  normalizeTags,
  type NormalizedQuery,
  type NormalizedQueryItem,
} from './core/event-query.js';
export { assertExpectedVersion, checkExpectedVersion } from './core/expected-version.js';
export {
  assertWritableStreamId,
  prepareDeletion,
  prepareTruncation,
  SYSTEM_STREAM_PREFIX,
  streamDeletedAppend,
  streamDeletedData,
  scavengeBelow,
  visibleStream,
  type PreparedDeletion,
} from './core/stream-deletion.js';
export {
  checkMetadataVersion,
  expiryCutoff,
  parseStoredMetadata,
  prepareStreamMetadata,
  retainedFrom,
  type PreparedStreamMetadata,
  type Retention,
} from './core/stream-metadata.js';
export {
  prepareScavenge,
  ScavengeReportBuilder,
  type PreparedScavenge,
  type ScavengeChunk,
} from './core/scavenge.js';
export { resolveReplayedUnit, resolveStoredIds, type StoredEventRef } from './core/idempotency.js';
export {
  normalizeReadAllOptions,
  normalizeReadOptions,
  type NormalizedReadAllOptions,
  type NormalizedReadOptions,
} from './core/read-options.js';
export { NO_TAGS, toRecordedEvents, type StoredEventRow } from './core/recorded.js';
export { PersonalDataCipher, type OpenRequest, type SealRequest } from './core/personal-data.js';
export { checkSubject } from './core/contracts/key-store.js';
export { createEventFeed, feedPage } from './core/feed.js';
export { DEFAULT_BATCH_SIZE } from './core/read-options.js';
export {
  compareCodePoints,
  DEFAULT_STREAM_PAGE_SIZE,
  MAX_STREAM_PAGE_SIZE,
  normalizeListStreamsOptions,
  type NormalizedListStreamsOptions,
} from './core/list-streams.js';
export { MAX_JSON_DEPTH, serializeJson } from './core/serialization.js';
export { assertStreamId } from './core/stream-id.js';
export { AppendSignal, type AppendSubscription } from './core/append-signal.js';
export { EventStoreKernel } from './stores/kernel/event-store-kernel.js';
export type {
  DecodedCondition,
  EventStoreDriver,
  FeedFilterQuery,
  GroupLimits,
  MaybePromise,
  QueryReadSlice,
  StoredStreamMetadata,
  StreamSlice,
  WriteOutcome,
  WriteUnit,
} from './stores/kernel/event-store-driver.js';
export {
  decodePosition,
  decodePositionWithin,
  encodePosition,
  INT64_LIMIT,
  sequencePosition,
  sequencePositions,
  type PositionCodec,
  type PositionPartRange,
} from './core/position.js';
export { resolveEventStoreOptions, type ResolvedEventStoreOptions } from './core/store-options.js';
export { checkOption } from './core/options.js';
export { abortable, abortScope, checkAbortOptions, sleep, type AbortScope } from './core/abort.js';
export { appendSubscription } from './core/append-signal.js';
export { isPromiseLike } from './core/is-promise-like.js';
export {
  createSubscriptionStorage,
  isSubscriptionStorageProvider,
  type SubscriptionStorageProvider,
} from './core/contracts/subscription-storage-provider.js';
export {
  feedEndOf,
  resolveFeedEnd,
  type FeedEnd,
  type FeedEndResolver,
} from './core/contracts/feed-end.js';
export {
  storeObservability,
  type Observability,
  type ObservabilityProvider,
} from './core/observability.js';
