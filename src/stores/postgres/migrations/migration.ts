import type { QueryConfig } from 'pg';

/** One step of a PostgreSQL migration set, applied once and recorded in the set's ledger. */
export interface Migration {
  /** The version this step brings its set to (1, 2, …, without gaps). */
  readonly version: number;
  /** A short description, recorded with the version where the ledger keeps names. */
  readonly name: string;
  /** The SQL to run, given the quoted schema name. */
  sql(schema: string): string;
}

/**
 * Where a migration set records the versions it applied in one schema: a
 * table of its own, read and written with these statements.
 */
export interface MigrationLedger {
  /** → `{ exists }`: whether the ledger table exists. */
  readonly exists: string;
  /** Creates the ledger table if it is missing. */
  readonly create: string;
  /** → `{ version }`: the highest recorded version (0 when none). */
  readonly version: string;
  /** Records one applied migration. */
  record(migration: Migration): QueryConfig;
}

/**
 * A sequence of migrations with a ledger of its own, run by the one runner
 * (`migrate`): the event store's schema is one set, the snapshot table
 * another, so a schema gets a snapshot table only when snapshots are used.
 */
export interface MigrationSet {
  /** What the set builds, for messages: `eventfold schema`, `snapshot table`. */
  readonly subject: string;
  /** Every migration of the set, in order. Append new ones; never edit a released one. */
  readonly migrations: readonly Migration[];
  /** The set's ledger in a schema, given the quoted schema name. */
  readonly ledger: (schema: string) => MigrationLedger;
}
