/**
 * The snapshot property (test/aggregates/snapshot-property.ts) on the
 * in-memory store; the SQLite and PostgreSQL test files run it on theirs.
 */
import { InMemoryEventStore } from '../../src/index.js';
import { InMemorySnapshotStore } from '../../src/aggregates/index.js';
import { snapshotProperty } from './snapshot-property.js';

snapshotProperty(
  'in-memory',
  () =>
    Promise.resolve({ events: new InMemoryEventStore(), snapshots: new InMemorySnapshotStore() }),
  150,
);
