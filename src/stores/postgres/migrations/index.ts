import {
  documentTableLedger,
  eventSchemaLedger,
  keyTablesLedger,
  snapshotTableLedger,
} from '../sql/migrations.js';
import { initialMigration } from './0001-initial.js';
import { subscriptionsMigration } from './0002-subscriptions.js';
import { tagsAndCommitMigration } from './0003-tags-and-commit.js';
import { eventSchemaVersionsMigration } from './0004-event-schema-versions.js';
import { streamStatesMigration } from './0005-stream-states.js';
import { streamMetadataMigration } from './0006-stream-metadata.js';
import { groupMembersMigration } from './0007-group-members.js';
import type { Migration, MigrationSet } from './migration.js';
import { createSnapshots } from './snapshots/0001-create-snapshots.js';
import { createKeyTables } from './keys/0001-create-key-tables.js';
import { createDocuments } from './documents/0001-create-documents.js';

export type { Migration, MigrationLedger, MigrationSet } from './migration.js';

/** Every migration of the event store's schema, in order. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initialMigration,
  subscriptionsMigration,
  tagsAndCommitMigration,
  eventSchemaVersionsMigration,
  streamStatesMigration,
  streamMetadataMigration,
  groupMembersMigration,
];

/**
 * The event store's schema (streams, events and their tags, `append_events`,
 * `commit_events`, subscription and group-member tables), recorded in `<schema>.migrations`; every `PostgresEventStore`
 * brings its schema to it.
 */
export const EVENT_MIGRATIONS: MigrationSet = {
  subject: 'eventfold schema',
  migrations: MIGRATIONS,
  ledger: eventSchemaLedger,
};

/**
 * The snapshot table, recorded in `<schema>.snapshots_schema`: a set of its
 * own, applied when a `PostgresSnapshotStore` is first used, so a schema has
 * the table only when snapshots are used.
 */
export const SNAPSHOT_MIGRATIONS: MigrationSet = {
  subject: 'snapshot table',
  migrations: [createSnapshots],
  ledger: snapshotTableLedger,
};

/**
 * The key tables of crypto-shredding, recorded in
 * `<schema>.personal_keys_schema`: a set of its own, applied when a
 * `PostgresKeyStore` is first used.
 */
export const KEY_MIGRATIONS: MigrationSet = {
  subject: 'key tables',
  migrations: [createKeyTables],
  ledger: keyTablesLedger,
};

/**
 * The document table of document projections, recorded in
 * `<schema>.documents_schema`: a set of its own, applied when a subscription
 * storage first uses its document collections.
 */
export const DOCUMENT_MIGRATIONS: MigrationSet = {
  subject: 'document table',
  migrations: [createDocuments],
  ledger: documentTableLedger,
};

/**
 * The version of the event store's schema this eventfold writes and reads.
 *
 * @example
 * ```ts
 * SCHEMA_VERSION; // 7
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
