/**
 * Test helpers for eventfold users and backend authors: the conformance suite
 * every store must pass. Runner-agnostic: pass `describe` and `it` from
 * vitest, jest or `node:test`. The model-based property test lives in
 * `eventfold/testing/property` (it needs `fast-check`).
 *
 * @module
 */
export { runConformanceSuite } from './conformance/index.js';
export type { DescribeFn, ItFn, StoreFactoryOptions, SuiteOptions } from './suite-options.js';
