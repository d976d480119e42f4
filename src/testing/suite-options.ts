import type { EventStore } from '../core/event-store.js';
import type { EventRegistry } from '../core/registry.js';

/** What a conformance or property suite passes to a store factory. */
export interface StoreFactoryOptions {
  /** A registry the store must use. */
  registry?: EventRegistry;
  /** The event size limit the store must enforce. */
  maxEventBytes?: number;
}

/** A test-suite function: `describe` of vitest, jest or `node:test`. */
export type DescribeFn = (name: string, fn: () => void) => unknown;
/** A test function: `it` of vitest, jest or `node:test`. */
export type ItFn = (name: string, fn: () => Promise<void>) => unknown;

/** How a suite reaches the backend under test. */
export interface SuiteOptions {
  /** The test runner's `describe`. */
  describe: DescribeFn;
  /** The test runner's `it`. */
  it: ItFn;
  /** Returns a new, empty store (a fresh file, schema or database) on every call. */
  createStore: (options: StoreFactoryOptions) => Promise<EventStore>;
  /**
   * For persistent backends: closes `store` and opens the same storage again,
   * to check that what was written (and idempotency) survives a restart.
   */
  reopenStore?: (store: EventStore, options: StoreFactoryOptions) => Promise<EventStore>;
}
