export { InMemoryEventStore, type InMemoryEventStoreOptions } from './in-memory-event-store.js';
export { InMemoryKeyStore } from './in-memory-key-store.js';
