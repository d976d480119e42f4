import { afterAll, describe, it } from 'vitest';
import type { EventStore, StoreCapabilities } from '../../src/index.js';
import { SqliteEventStore, SqliteKeyStore } from '../../src/stores/sqlite/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import type { StoreFactoryOptions, SuiteOptions } from '../../src/testing/index.js';
import { asSqlite } from './support/as-sqlite.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();
afterAll(() => dir.remove());

/** What a SQLite store must declare, written out here so the suite checks the store's own flags. */
const sqliteCapabilities = (durable: boolean): StoreCapabilities => ({
  multiProcess: durable,
  durable,
  crossProcessNotifications: false,
  atomicReadModels: true,
  synchronousTransactions: true,
  delayedVisibility: false,
  atomicMultiStreamAppends: true,
});

/** A fresh file per store; reopening closes the store and opens the same file again. */
const onFile: Omit<SuiteOptions, 'describe' | 'it'> = {
  capabilities: sqliteCapabilities(true),
  createStore: (options: StoreFactoryOptions) =>
    Promise.resolve(new SqliteEventStore(dir.file(), options)),
  reopenStore: async (store: EventStore, options: StoreFactoryOptions) => {
    const filename = asSqlite(store).database.name;
    await store.close();
    return new SqliteEventStore(filename, options);
  },
  createKeyStore: (store: EventStore) => new SqliteKeyStore(asSqlite(store)),
};

/** A private in-memory database per store: one process, nothing survives it. */
const inMemory: Omit<SuiteOptions, 'describe' | 'it'> = {
  capabilities: sqliteCapabilities(false),
  createStore: (options: StoreFactoryOptions) =>
    Promise.resolve(new SqliteEventStore(':memory:', options)),
  createKeyStore: (store: EventStore) => new SqliteKeyStore(asSqlite(store)),
};

runConformanceSuite('sqlite (file)', { describe, it, ...onFile });
runConformanceSuite('sqlite (:memory:)', { describe, it, ...inMemory });
runPropertySuite('sqlite (file)', { describe, it, numRuns: 100, ...onFile });
runPropertySuite('sqlite (:memory:)', { describe, it, numRuns: 200, ...inMemory });
