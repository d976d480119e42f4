/**
 * Test helpers for eventfold users and backend authors: the conformance suite
 * every store must pass. Runner-agnostic: pass `describe` and `it` from
 * vitest, jest or `node:test`. The model-based property test lives in
 * `eventfold/testing/property` (it needs `fast-check`).
 *
 * @module eventfold/testing
 */
export { runConformanceSuite } from './conformance/index.js';
export type { DescribeFn, ItFn, StoreFactoryOptions, SuiteOptions } from './suite-options.js';
export { runSnapshotStoreSuite, type SnapshotSuiteOptions } from './snapshot-store-suite.js';
export { runMembershipStoreSuite, type MembershipSuiteOptions } from './membership-store-suite.js';
export {
  aggregateSpec,
  deciderSpec,
  type AggregateAction,
  type AggregateSpec,
  type AggregateThen,
  type AggregateWhen,
  type DeciderSpec,
  type DeciderThen,
  type DeciderWhen,
  type ErrorMatcher,
} from './given-when-then.js';
export {
  httpSpec,
  type FetchLike,
  type HttpExpectation,
  type HttpOutcome,
  type HttpRequestSpec,
  type HttpScenario,
  type HttpSpecOptions,
} from './http-spec.js';
export {
  runDocumentStorageSuite,
  type DocumentBackend,
  type DocumentSuiteOptions,
} from './documents/index.js';
export { expectDocuments, type DocumentScenario, type GivenEvent } from './expect-documents.js';
