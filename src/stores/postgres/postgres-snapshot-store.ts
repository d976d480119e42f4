import type { Pool, QueryResult } from 'pg';
import { prepareSnapshot } from '../../core/contracts/prepare-snapshot.js';
import type { NewSnapshot, Snapshot, SnapshotStore } from '../../core/contracts/snapshot-store.js';
import { StoreClosedError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';
import { SNAPSHOT_MIGRATIONS } from './migrations/index.js';
import type { PostgresEventStore } from './postgres-event-store.js';
import { quoteSchema } from './schema-name.js';
import {
  LazyMigration,
  sideTableQuery,
  sideTableSource,
  type SideTableSource,
} from './side-table-source.js';
import { snapshotsSql, type SnapshotsSql } from './sql/snapshots.js';

/** A snapshot row: numbers as `float8` (plain numbers with `pg`'s default parsers; converted in case an application set its own). */
interface SnapshotRow {
  readonly version: unknown;
  readonly schema_version: unknown;
  readonly state: string;
  readonly created_ms: unknown;
}

/**
 * Aggregate snapshots in the PostgreSQL schema of the events: one row per
 * stream in the table `<schema>.snapshots` (`stream_id` key, `version`,
 * `schema_version`, `state` as JSON text, `created_at`). The table is the
 * migration set `SNAPSHOT_MIGRATIONS`, applied on first use (or by
 * {@link PostgresSnapshotStore.migrate}) by the runner of the event store's
 * migrations, under the schema's advisory migration lock, and recorded in
 * `<schema>.snapshots_schema` (apart from the event store's migrations, so a
 * schema has the table only when snapshots are used). A save is one
 * `INSERT … ON CONFLICT DO UPDATE … WHERE` that keeps a stored snapshot of the
 * same schema version and a higher version, as `shouldReplaceSnapshot` says,
 * and is safe under concurrent saves.
 *
 * The store owns nothing: it queries through the pool it is given and never
 * ends it, so `close()` (and `await using`) only stops this snapshot store.
 * Its statements have the event store's `statementTimeoutMs` (given a pool:
 * the default 30 s); past it a statement fails as a lost connection, like the
 * event store's.
 *
 * @example
 * ```ts
 * import { PostgresEventStore, PostgresSnapshotStore } from 'eventfold/postgres';
 *
 * await using store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * await using snapshots = new PostgresSnapshotStore(store); // or new PostgresSnapshotStore(pool, 'billing_events')
 * const accounts = new AggregateRepository(store, BankAccount, { snapshots: { store: snapshots, policy: 100 } });
 * ```
 */
export class PostgresSnapshotStore implements SnapshotStore {
  /** The pool the store queries through (the event store's, or yours). */
  readonly pool: Pool;
  /** The schema holding the snapshot table. */
  readonly schema: string;
  readonly #sql: SnapshotsSql;
  readonly #names: { readonly load: string; readonly save: string; readonly delete: string };
  readonly #migration: LazyMigration;
  readonly #source: SideTableSource;
  #closed = false;

  /** Uses the pool and schema of a {@link PostgresEventStore}. */
  constructor(store: PostgresEventStore);
  /** Uses `pool` and `schema` (default `eventfold`, validated as the event store validates it). */
  constructor(pool: Pool, schema?: string);
  /**
   * Throws an `InvalidOptionError` naming `source` or `schema` for a source
   * that is neither, a schema that is not a safe schema name, or a schema
   * other than the event store's.
   */
  constructor(source: PostgresEventStore | Pool, schema?: string) {
    const resolved = sideTableSource(source, schema);
    this.#source = resolved;
    this.pool = resolved.pool;
    this.schema = resolved.schema;
    this.#migration = new LazyMigration(resolved, SNAPSHOT_MIGRATIONS);
    this.#sql = snapshotsSql(quoteSchema(this.schema));
    // Prepared-statement names: per schema, and under PostgreSQL's 63-byte limit (a schema name has at most 48).
    this.#names = {
      load: `evf_snap_load_${this.schema}`,
      save: `evf_snap_save_${this.schema}`,
      delete: `evf_snap_del_${this.schema}`,
    };
  }

  /**
   * Creates or upgrades the snapshot table (and the schema) if needed; done on
   * first use otherwise. Safe to run from several processes at once. Throws a
   * `MigrationError` when the table cannot be created or was written by a
   * newer eventfold.
   *
   * @example
   * ```ts
   * await new PostgresSnapshotStore(store).migrate(); // fail now rather than at the first load
   * ```
   */
  migrate(): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return this.#migration.run();
  }

  async load(streamId: string): Promise<Snapshot | undefined> {
    this.#open();
    assertStreamId(streamId);
    const { rows } = await this.#query<SnapshotRow>(
      this.#names.load,
      this.#sql.load,
      [streamId],
      `load of the snapshot of stream "${streamId}"`,
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      streamId,
      version: Number(row.version),
      schemaVersion: Number(row.schema_version),
      state: JSON.parse(row.state) as unknown,
      createdAt: new Date(Number(row.created_ms)),
    };
  }

  async save(snapshot: NewSnapshot): Promise<boolean> {
    this.#open();
    const { streamId, version, schemaVersion, state } = prepareSnapshot(snapshot);
    const result = await this.#query(
      this.#names.save,
      this.#sql.save,
      [streamId, version, schemaVersion, state],
      `save of the snapshot of stream "${streamId}"`,
    );
    return (result.rowCount ?? 0) > 0;
  }

  async delete(streamId: string): Promise<boolean> {
    this.#open();
    assertStreamId(streamId);
    const result = await this.#query(
      this.#names.delete,
      this.#sql.delete,
      [streamId],
      `deletion of the snapshot of stream "${streamId}"`,
    );
    return (result.rowCount ?? 0) > 0;
  }

  /** Stops this snapshot store (idempotent); the pool stays open (it belongs to the event store or to you). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link PostgresSnapshotStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #query<R extends object>(
    name: string,
    text: string,
    values: unknown[],
    action: string,
  ): Promise<QueryResult<R>> {
    await this.migrate();
    this.#open();
    return sideTableQuery<R>(this.#source, { name, text, values }, action);
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
