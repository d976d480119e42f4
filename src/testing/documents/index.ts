import { crudCases } from './crud-cases.js';
import type { DocumentSuiteOptions } from './fixtures.js';
import { transactionCases } from './transaction-cases.js';

export type { DocumentBackend, DocumentSuiteOptions } from './fixtures.js';

/**
 * Runs every case of eventfold's document collections against a
 * subscription storage: a document projection's CRUD (insert, patch,
 * replace, delete, upsert), JSON round trips, finds by equality, ranges and
 * `in` with order and limit, reads in a batch seeing its earlier changes,
 * a handler failing mid-batch (the events before it commit with their
 * documents, nothing of it is written), typed indexed fields, rebuilds and
 * resets, and exactly-once with two racing instances (storages with
 * `atomicReadModels`, given `openPeer`). Runner-agnostic, like the
 * conformance suite.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runDocumentStorageSuite } from 'eventfold/testing';
 * runDocumentStorageSuite('memory', {
 *   describe, it,
 *   open: async () => {
 *     const store = new InMemoryEventStore();
 *     return { store, storage: new InMemorySubscriptionStorage(), close: () => store.close() };
 *   },
 * });
 * ```
 */
export function runDocumentStorageSuite(name: string, options: DocumentSuiteOptions): void {
  options.describe(`eventfold document collections: ${name}`, () => {
    crudCases(options);
    transactionCases(options);
  });
}
