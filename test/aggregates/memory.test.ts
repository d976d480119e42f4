import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { InMemorySnapshotStore } from '../../src/aggregates/index.js';
import { runSnapshotStoreSuite } from '../../src/testing/index.js';
import { aggregateSuite } from './aggregate-cases.js';

aggregateSuite('in-memory', {
  createStore: () => Promise.resolve(new InMemoryEventStore()),
  createSnapshotStore: () => Promise.resolve(new InMemorySnapshotStore()),
});

runSnapshotStoreSuite('in-memory', {
  describe,
  it,
  createSnapshotStore: () => Promise.resolve(new InMemorySnapshotStore()),
});
