import type { StoreCapabilities } from '../core/capabilities.js';
import type { EventStore } from '../core/event-store.js';
import type { EventStoreOptions } from '../core/store-options.js';
import type { KeyStore } from '../core/contracts/key-store.js';

/**
 * What a conformance or property suite passes to a store factory: the options
 * every store takes ({@link EventStoreOptions}). Some cases pass bad values
 * on purpose and expect the factory to throw or reject with an `InvalidOptionError`.
 */
export type StoreFactoryOptions = EventStoreOptions;

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
  /**
   * Returns a new, empty store (a fresh file, schema or database) on every
   * call. May throw or reject: bad shared options must fail here.
   */
  createStore: (options: StoreFactoryOptions) => Promise<EventStore>;
  /**
   * The capabilities the stores of `createStore` declare. The suite registers
   * the cases that depend on a capability from these flags, and checks that
   * every store's `capabilities` equal them exactly.
   */
  capabilities: StoreCapabilities;
  /**
   * For persistent backends: closes `store` and opens the same storage again,
   * to check that what was written (and idempotency) survives a restart.
   */
  reopenStore?: (store: EventStore, options: StoreFactoryOptions) => Promise<EventStore>;
  /**
   * The backend's key store on the database of `store` (crypto-shredding
   * cases); default an `InMemoryKeyStore`. The store is created first, with a
   * key store that forwards to this one once it exists.
   */
  createKeyStore?: (store: EventStore) => KeyStore | Promise<KeyStore>;
}
