/** One step of a SQLite migration set, applied once and recorded in the set's ledger. */
export interface Migration {
  /** The version this step brings its set to (1, 2, …, without gaps). */
  readonly version: number;
  /** A short kebab-case description. */
  readonly name: string;
  /** The statements to run, in the migration's transaction. */
  readonly sql: string;
}

/**
 * Where a migration set records the versions it applied: a table of its own,
 * read and written with these statements.
 */
export interface MigrationLedger {
  /** → one row when the ledger table exists, none otherwise. */
  readonly exists: string;
  /** Creates the ledger table if it is missing. */
  readonly create: string;
  /** → the highest recorded version (NULL or no row: none). */
  readonly version: string;
  /** Records one applied migration, with the named parameters `@version`, `@name` and `@appliedAt` (ISO text). */
  readonly record: string;
}

/**
 * A sequence of migrations with a ledger of its own, run by the one runner
 * (`migrate`): the event store's schema is one set, the snapshot table another,
 * so a database gets a snapshot table only when snapshots are used.
 */
export interface MigrationSet {
  /** What the set builds, for messages: `eventfold schema`, `snapshot table`. */
  readonly subject: string;
  /** Every migration of the set, in order. Append new ones; never edit a released one. */
  readonly migrations: readonly Migration[];
  /** Where the applied versions are recorded. */
  readonly ledger: MigrationLedger;
}
