/** One step of the SQLite schema, applied once and recorded in `eventfold_migrations`. */
export interface Migration {
  /** The schema version this step brings the database to (1, 2, …, without gaps). */
  readonly version: number;
  /** A short kebab-case description. */
  readonly name: string;
  /** The statements to run, in the migration's transaction. */
  readonly sql: string;
}
