import { initialMigration } from './001-initial.js';
import { subscriptionsMigration } from './002-subscriptions.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration of the PostgreSQL store, in order. */
export const MIGRATIONS: readonly Migration[] = [initialMigration, subscriptionsMigration];

/** The schema version this eventfold needs: the number of the last migration. */
export const SCHEMA_VERSION: number = MIGRATIONS.at(-1)?.version ?? 0;
