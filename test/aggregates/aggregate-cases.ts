/**
 * The aggregate cases as a function of a store factory, so every backend runs
 * them: repositories in both styles, the AggregateStore sugar, the command
 * handler (with real contention, and cancelled), metadata and snapshots. Each
 * topic lives in its own file under `cases/`.
 */
import { describe } from 'vitest';
import { InMemorySnapshotStore, type SnapshotStore } from '../../src/aggregates/index.js';
import { type EventStore } from '../../src/index.js';
import { cancelCases } from './cases/cancel-cases.js';
import { commandHandlerCases } from './cases/command-handler-cases.js';
import { contentionCases } from './cases/contention-cases.js';
import { expectedVersionCases } from './cases/expected-version-cases.js';
import { metadataCases } from './cases/metadata-cases.js';
import { repositoryCases } from './cases/repository-cases.js';
import { snapshotCases } from './cases/snapshot-cases.js';
import { classStyle, deciderStyle, type WithStore } from './cases/styles.js';
import { sugarCases } from './cases/sugar-cases.js';

/** How the suite reaches the backend under test. */
export interface AggregateSuiteOptions {
  /** A new, empty event store on every call. */
  createStore: () => Promise<EventStore>;
  /** A new, empty snapshot store for `eventStore` (default an `InMemorySnapshotStore`). */
  createSnapshotStore?: (eventStore: EventStore) => Promise<SnapshotStore>;
}

/** Registers every aggregate case for the backend `name`. */
export function aggregateSuite(name: string, options: AggregateSuiteOptions): void {
  const withStore: WithStore = async (body) => {
    const store = await options.createStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  const snapshotStoreFor = (store: EventStore): Promise<SnapshotStore> =>
    options.createSnapshotStore?.(store) ?? Promise.resolve(new InMemorySnapshotStore());

  describe(`aggregates: ${name}`, () => {
    repositoryCases(classStyle, withStore);
    repositoryCases(deciderStyle, withStore);
    sugarCases(withStore);
    commandHandlerCases(classStyle, withStore);
    commandHandlerCases(deciderStyle, withStore);
    expectedVersionCases(classStyle, withStore);
    expectedVersionCases(deciderStyle, withStore);
    contentionCases(withStore);
    cancelCases(withStore);
    metadataCases(withStore);
    snapshotCases(withStore, snapshotStoreFor);
  });
}
