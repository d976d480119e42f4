import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { runConformanceSuite } from '../../src/testing/index.js';

runConformanceSuite('in-memory', {
  describe,
  it,
  createStore: (options) => Promise.resolve(new InMemoryEventStore(options)),
});
