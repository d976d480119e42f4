/**
 * The SQLite event store of eventfold, on the optional peer dependency
 * better-sqlite3: `import { openSqliteEventStore } from 'eventfold/sqlite'`, or
 * `createEventStore('sqlite://events.db')` from the core. better-sqlite3 is loaded
 * when a store opens a file; without it that throws a `MissingDependencyError`
 * naming it and `npm install better-sqlite3`.
 *
 * @module eventfold/sqlite
 */
export { SqliteEventStore } from './sqlite-event-store.js';
export { openSqliteEventStore } from './open-sqlite-event-store.js';
export {
  DEFAULT_BUSY_TIMEOUT_MS,
  type SqliteEventStoreOptions,
  type SqliteSynchronous,
} from './sqlite-event-store-options.js';
export { parseSqliteUrl, type ParsedSqliteUrl } from './sqlite-url.js';
export { SCHEMA_VERSION as SQLITE_SCHEMA_VERSION } from './migrations/index.js';
export { SqliteSnapshotStore } from './sqlite-snapshot-store.js';
export { SqliteKeyStore, type SqliteForgetResult } from './sqlite-key-store.js';
export {
  SqliteSubscriptionStorage,
  type SqliteTransaction,
} from './subscriptions/sqlite-subscription-storage.js';
export type { SqliteCheckpointStore } from './subscriptions/sqlite-checkpoint-store.js';
export type { SqliteDeadLetterStore } from './subscriptions/sqlite-dead-letter-store.js';
export type { SqliteLeaseStore } from './subscriptions/sqlite-lease-store.js';
export type { SqliteMembershipStore } from './subscriptions/sqlite-membership-store.js';
export type { SqliteDocumentStorage } from './subscriptions/sqlite-document-storage.js';
