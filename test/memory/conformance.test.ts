import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';
import { MEMORY_STORE_CAPABILITIES } from './memory-capabilities.js';

runConformanceSuite('in-memory', {
  describe,
  it,
  capabilities: MEMORY_STORE_CAPABILITIES,
  createStore: (options) => Promise.resolve(new InMemoryEventStore(options)),
});
