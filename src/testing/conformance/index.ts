import type { SuiteOptions } from '../suite-options.js';
import { abortCases } from './abort-cases.js';
import { appendCases } from './append-cases.js';
import { appendManyCases } from './append-many-cases.js';
import { badInputCases } from './bad-input-cases.js';
import { capabilityCases } from './capability-cases.js';
import { concurrencyCases } from './concurrency-cases.js';
import { conditionCases } from './condition-cases.js';
import { creatorValidationCases } from './creator-validation-cases.js';
import { deletionCases } from './deletion-cases.js';
import { expectedVersionCases } from './expected-version-cases.js';
import { feedCases } from './feed-cases.js';
import { feedStatsCases } from './feed-stats-cases.js';
import { groupCommitCases } from './group-commit-cases.js';
import { caseContext } from './fixtures.js';
import { hostileInputCases } from './hostile-input-cases.js';
import { idempotencyCases } from './idempotency-cases.js';
import { lifecycleCases } from './lifecycle-cases.js';
import { listStreamsCases } from './list-streams-cases.js';
import { metadataCases } from './metadata-cases.js';
import { optionCases } from './option-cases.js';
import { personalDataCases } from './personal-data-cases.js';
import { queryCases } from './query-cases.js';
import { readCases } from './read-cases.js';
import { registryCases } from './registry-cases.js';
import { scavengeCases } from './scavenge-cases.js';
import { upcastingCases } from './upcasting-cases.js';

/**
 * Runs every case of eventfold's storage semantics against a backend: the
 * declared capabilities, expected versions, atomic batches, idempotency, stream
 * reads, the global feed and its statistics, stream listings, deleted and truncated streams, stream metadata and retention, scavenging, cancelled feed reads, concurrent
 * appends, `appendMany`, appends started together (group commit), tags and
 * `readByQuery`, append conditions (dynamic consistency boundaries), the bad-input catalogue, hostile input (holes, deep nesting,
 * throwing getters and Proxy traps, bare expected versions, positions out of
 * range), shared options, registries, event versions and upcasting (every
 * read path, subscriptions and aggregates), validation by event creators without
 * a registry, personal data (crypto-shredding: encryption, erasure), append
 * listeners and closing. Cases that depend on a capability are registered only
 * when `options.capabilities` has it. A new backend is done when it passes all of it.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runConformanceSuite } from 'eventfold/testing';
 * runConformanceSuite('my store', {
 *   describe,
 *   it,
 *   capabilities: MY_CAPABILITIES,
 *   createStore: async (options) => new MyStore(options),
 * });
 * ```
 */
export function runConformanceSuite(name: string, options: SuiteOptions): void {
  const context = caseContext(options);
  options.describe(`eventfold conformance: ${name}`, () => {
    capabilityCases(context);
    appendCases(context);
    expectedVersionCases(context);
    idempotencyCases(context);
    readCases(context);
    feedCases(context);
    feedStatsCases(context);
    listStreamsCases(context);
    deletionCases(context);
    metadataCases(context);
    scavengeCases(context);
    abortCases(context);
    concurrencyCases(context);
    appendManyCases(context);
    groupCommitCases(context);
    queryCases(context);
    conditionCases(context);
    badInputCases(context);
    hostileInputCases(context);
    optionCases(context);
    registryCases(context);
    upcastingCases(context);
    creatorValidationCases(context);
    personalDataCases(context);
    lifecycleCases(context);
  });
}
