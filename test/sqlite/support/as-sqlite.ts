import type { EventStore } from '../../../src/index.js';
import { SqliteEventStore } from '../../../src/stores/sqlite/index.js';

/** Narrows a store to a {@link SqliteEventStore}, failing loudly otherwise. */
export function asSqlite(store: EventStore): SqliteEventStore {
  if (!(store instanceof SqliteEventStore)) throw new Error('expected a SqliteEventStore');
  return store;
}
