import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { runPropertySuite } from '../../src/testing/property/index.js';

runPropertySuite('in-memory', {
  describe,
  it,
  numRuns: 200,
  createStore: (options) => Promise.resolve(new InMemoryEventStore(options)),
});
