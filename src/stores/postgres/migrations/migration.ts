/** One step of a store's schema history, applied in its own transaction. */
export interface Migration {
  /** Its number: migrations run in increasing order, each once. */
  readonly version: number;
  /** A short description, recorded with the version. */
  readonly name: string;
  /** The SQL to run, given the quoted schema name. */
  sql(schema: string): string;
}
