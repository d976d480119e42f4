/**
 * The model-based property test of eventfold stores: random sequences of
 * appends (every expected-version mode, with and without ids, retries), stream
 * reads, feed reads and feed statistics (`headPosition`, `countEventsAfter`),
 * run against a store and a simple model, comparing every result. Needs `fast-check` (an optional peer dependency):
 * without it, {@link runPropertySuite} throws a `MissingDependencyError` naming it.
 *
 * @module eventfold/testing/property
 */
import type { SuiteOptions } from '../suite-options.js';
import { commandArbitraries } from './commands.js';
import { loadFastCheck } from './fast-check.js';
import { StoreModel } from './model.js';

/** Options of {@link runPropertySuite}. */
export interface PropertySuiteOptions extends SuiteOptions {
  /** How many random sequences to run (default 100). */
  numRuns?: number;
  /** The most commands per sequence (default 40). */
  maxCommands?: number;
  /** A fast-check seed, to replay a failure. */
  seed?: number;
}

/**
 * Registers the property test with the runner.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runPropertySuite } from 'eventfold/testing/property';
 * runPropertySuite('in-memory', {
 *   describe,
 *   it,
 *   capabilities: new InMemoryEventStore().capabilities,
 *   createStore: async (o) => new InMemoryEventStore(o),
 * });
 * ```
 */
export function runPropertySuite(name: string, options: PropertySuiteOptions): void {
  const fc = loadFastCheck();
  options.describe(`eventfold property: ${name}`, () => {
    options.it('matches the model on random operation sequences', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.commands(commandArbitraries(fc), {
            maxCommands: options.maxCommands ?? 40,
            size: 'max',
          }),
          async (commands) => {
            const store = await options.createStore({});
            try {
              await fc.asyncModelRun(
                () => ({ model: new StoreModel(), real: { store, positions: [] } }),
                commands,
              );
            } finally {
              await store.close();
            }
          },
        ),
        {
          numRuns: options.numRuns ?? 100,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        },
      );
    });
  });
}
