import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';
import { MEMORY_STORE_CAPABILITIES } from './memory-capabilities.js';

runPropertySuite('in-memory', {
  describe,
  it,
  numRuns: 200,
  capabilities: MEMORY_STORE_CAPABILITIES,
  createStore: (options) => Promise.resolve(new InMemoryEventStore(options)),
});
