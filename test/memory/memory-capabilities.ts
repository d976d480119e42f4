import type { StoreCapabilities } from '../../src/index.js';

/** What the in-memory store must declare, written out here so the suite checks the store's own flags. */
export const MEMORY_STORE_CAPABILITIES: StoreCapabilities = {
  multiProcess: false,
  durable: false,
  crossProcessNotifications: false,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
  atomicMultiStreamAppends: true,
};
