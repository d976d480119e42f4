import {
  DOCUMENT_TABLE_LEDGER,
  EVENT_SCHEMA_LEDGER,
  KEY_TABLES_LEDGER,
  SNAPSHOT_TABLE_LEDGER,
} from '../sql/migrations.js';
import { createEvents } from './0001-create-events.js';
import { feedFilterIndexes } from './0002-feed-filter-indexes.js';
import { subscriptions } from './0003-subscriptions.js';
import { eventTags } from './0004-event-tags.js';
import { eventSchemaVersions } from './0005-event-schema-versions.js';
import { streamStates } from './0006-stream-states.js';
import { streamMetadata } from './0007-stream-metadata.js';
import { groupMembers } from './0008-group-members.js';
import type { Migration, MigrationSet } from './migration.js';
import { createSnapshots } from './snapshots/0001-create-snapshots.js';
import { createKeyTables } from './keys/0001-create-key-tables.js';
import { createDocuments } from './documents/0001-create-documents.js';

export type { Migration, MigrationLedger, MigrationSet } from './migration.js';

/** Every migration of the event store's schema, in order. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  createEvents,
  feedFilterIndexes,
  subscriptions,
  eventTags,
  eventSchemaVersions,
  streamStates,
  streamMetadata,
  groupMembers,
];

/**
 * The event store's schema (events and subscription tables), recorded in
 * `eventfold_migrations`; every `SqliteEventStore` brings a file to it.
 */
export const EVENT_MIGRATIONS: MigrationSet = {
  subject: 'eventfold schema',
  migrations: MIGRATIONS,
  ledger: EVENT_SCHEMA_LEDGER,
};

/**
 * The snapshot table, recorded in `eventfold_snapshots_schema`: a set of its
 * own, applied when a `SqliteSnapshotStore` opens the file, so a database has
 * the table only when snapshots are used.
 */
export const SNAPSHOT_MIGRATIONS: MigrationSet = {
  subject: 'snapshot table',
  migrations: [createSnapshots],
  ledger: SNAPSHOT_TABLE_LEDGER,
};

/**
 * The key tables of crypto-shredding, recorded in
 * `eventfold_personal_keys_schema`: a set of its own, applied when a
 * `SqliteKeyStore` opens the file.
 */
export const KEY_MIGRATIONS: MigrationSet = {
  subject: 'key tables',
  migrations: [createKeyTables],
  ledger: KEY_TABLES_LEDGER,
};

/**
 * The document table of document projections, recorded in
 * `eventfold_documents_schema`: a set of its own, applied when a
 * subscription storage first uses its document collections.
 */
export const DOCUMENT_MIGRATIONS: MigrationSet = {
  subject: 'document table',
  migrations: [createDocuments],
  ledger: DOCUMENT_TABLE_LEDGER,
};

/**
 * The version of the event store's schema this eventfold writes and reads.
 *
 * @example
 * ```ts
 * SCHEMA_VERSION; // 8
 * ```
 */
export const SCHEMA_VERSION: number = latestVersion(EVENT_MIGRATIONS);

/**
 * The version of the snapshot table this eventfold writes and reads.
 *
 * @example
 * ```ts
 * SNAPSHOT_SCHEMA_VERSION; // 1
 * ```
 */
export const SNAPSHOT_SCHEMA_VERSION: number = latestVersion(SNAPSHOT_MIGRATIONS);

/** The version a set's last migration brings it to (0 for an empty set). */
export function latestVersion(set: MigrationSet): number {
  return set.migrations.at(-1)?.version ?? 0;
}
