import type { SuiteOptions } from '../suite-options.js';
import { appendCases } from './append-cases.js';
import { badInputCases } from './bad-input-cases.js';
import { concurrencyCases } from './concurrency-cases.js';
import { expectedVersionCases } from './expected-version-cases.js';
import { feedCases } from './feed-cases.js';
import { caseContext } from './fixtures.js';
import { idempotencyCases } from './idempotency-cases.js';
import { lifecycleCases } from './lifecycle-cases.js';
import { readCases } from './read-cases.js';
import { registryCases } from './registry-cases.js';

/**
 * Runs every case of eventfold's storage semantics against a backend: expected
 * versions, atomic batches, idempotency, stream reads, the global feed,
 * concurrent appends, the bad-input catalogue, registries and lifecycle. A new
 * backend is done when it passes all of it.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runConformanceSuite } from 'eventfold/testing';
 * runConformanceSuite('my store', { describe, it, createStore: async (o) => new MyStore(o) });
 * ```
 */
export function runConformanceSuite(name: string, options: SuiteOptions): void {
  const context = caseContext(options);
  options.describe(`eventfold conformance: ${name}`, () => {
    appendCases(context);
    expectedVersionCases(context);
    idempotencyCases(context);
    readCases(context);
    feedCases(context);
    concurrencyCases(context);
    badInputCases(context);
    registryCases(context);
    lifecycleCases(context);
  });
}
