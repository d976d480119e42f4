import { createEvents } from './0001-create-events.js';
import { feedFilterIndexes } from './0002-feed-filter-indexes.js';
import { subscriptions } from './0003-subscriptions.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration of the SQLite schema, in order. Append new ones; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [createEvents, feedFilterIndexes, subscriptions];

/** The schema version this eventfold writes and reads. */
export const SQLITE_SCHEMA_VERSION: number = MIGRATIONS.length;
