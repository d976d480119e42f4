import type { Pool, QueryResult } from 'pg';
import { checkSubject, type ForgetResult, type KeyStore } from '../../core/contracts/key-store.js';
import { InvalidOptionError, StoreClosedError, ValidationError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import { assertStreamId } from '../../core/stream-id.js';
import { KEY_MIGRATIONS } from './migrations/index.js';
import type { PostgresEventStore } from './postgres-event-store.js';
import { quoteSchema } from './schema-name.js';
import {
  LazyMigration,
  sideTableQuery,
  sideTableSource,
  type SideTableSource,
} from './side-table-source.js';

/**
 * How {@link PostgresKeyStore.forget} vacuums the key table after a delete:
 * `'full'` (default) rewrites it into a new file, so the deleted key's bytes
 * leave the table's files (an exclusive lock on the key table for the rewrite,
 * short while it is small); `'plain'` only marks the space free (the bytes
 * stay in the page until overwritten); `'none'` leaves it to autovacuum.
 */
export type KeyVacuum = 'full' | 'plain' | 'none';

/** Options of a {@link PostgresKeyStore}. */
export interface PostgresKeyStoreOptions {
  /** The schema (default: the event store's, else `eventfold`). */
  schema?: string | undefined;
  /** How `forget` vacuums the key table (default `'full'`, see {@link KeyVacuum}). */
  vacuum?: KeyVacuum | undefined;
}

/**
 * The data keys of crypto-shredding in the PostgreSQL schema of the events:
 * the tables `<schema>.personal_keys` (`subject` key, `key` bytes, raw or
 * wrapped, `created_at`) and `<schema>.personal_streams` (`subject`,
 * `stream_id`), the migration set `KEY_MIGRATIONS` applied on first use
 * (recorded in `<schema>.personal_keys_schema`).
 *
 * {@link PostgresKeyStore.forget} deletes the key in a transaction, then
 * vacuums the key table (see {@link KeyVacuum}). What PostgreSQL cannot
 * promise: the write-ahead log keeps the inserted key until its segments are
 * recycled (and archives, replicas and base backups keep theirs): wrap the
 * keys with a `KeyWrapper` whose master key lives elsewhere when that matters.
 *
 * @example
 * ```ts
 * import { PostgresEventStore, PostgresKeyStore } from 'eventfold/postgres';
 *
 * const keys = new PostgresKeyStore(pool, { schema: 'billing' });
 * await using store = new PostgresEventStore({ pool, schema: 'billing', personalData: { keys } });
 * ```
 */
export class PostgresKeyStore implements KeyStore {
  /** The pool the store queries through (the event store's, or yours). */
  readonly pool: Pool;
  /** The schema holding the key tables. */
  readonly schema: string;
  readonly #vacuum: KeyVacuum;
  readonly #s: string;
  readonly #migration: LazyMigration;
  readonly #source: SideTableSource;
  #closed = false;

  /**
   * Uses the pool and schema of a {@link PostgresEventStore}, or a pg `Pool`.
   * Throws an `InvalidOptionError` for another source, a bad schema name, a
   * schema other than the event store's or a bad `vacuum`.
   */
  constructor(source: PostgresEventStore | Pool, options: PostgresKeyStoreOptions = {}) {
    checkOption.object('options', options);
    const { schema, vacuum } = options;
    if (vacuum !== undefined && vacuum !== 'full' && vacuum !== 'plain' && vacuum !== 'none')
      throw new InvalidOptionError('vacuum', vacuum, "'full', 'plain' or 'none'");
    this.#vacuum = vacuum ?? 'full';
    const resolved = sideTableSource(source, schema);
    this.#source = resolved;
    this.pool = resolved.pool;
    this.schema = resolved.schema;
    this.#migration = new LazyMigration(resolved, KEY_MIGRATIONS);
    this.#s = quoteSchema(this.schema);
  }

  /**
   * Creates or upgrades the key tables (and the schema) if needed; done on
   * first use otherwise. Throws a `MigrationError` when they cannot be
   * created or were written by a newer eventfold.
   */
  migrate(): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return this.#migration.run();
  }

  async load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    this.#open();
    for (const subject of subjects) checkSubject(subject);
    const out = new Map<string, Uint8Array>();
    if (subjects.length === 0) return out;
    const { rows } = await this.#query<{ subject: string; key: Buffer }>(
      `SELECT subject, key FROM ${this.#s}.personal_keys WHERE subject = ANY($1::text[])`,
      [subjects],
      'load of data keys',
    );
    for (const row of rows) out.set(row.subject, row.key);
    return out;
  }

  async create(subject: string, key: Uint8Array): Promise<Uint8Array> {
    this.#open();
    checkSubject(subject);
    if (!(key instanceof Uint8Array) || key.length === 0)
      throw new ValidationError('Invalid key: expected a non-empty Uint8Array');
    const text = `WITH inserted AS (
        INSERT INTO ${this.#s}.personal_keys (subject, key) VALUES ($1, $2)
        ON CONFLICT (subject) DO NOTHING RETURNING key)
      SELECT key FROM inserted UNION ALL
      SELECT key FROM ${this.#s}.personal_keys WHERE subject = $1 LIMIT 1`;
    // A conflicting insert committed after this statement's snapshot shows in neither branch: ask again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const { rows } = await this.#query<{ key: Buffer }>(
        text,
        [subject, Buffer.from(key)],
        `creation of the data key of subject "${subject}"`,
      );
      if (rows[0] !== undefined) return rows[0].key;
    }
    const stored = await this.load([subject]);
    const found = stored.get(subject);
    if (found === undefined)
      throw new ValidationError(`The data key of subject "${subject}" was deleted while created`);
    return found;
  }

  async track(subject: string, streamIds: readonly string[]): Promise<void> {
    this.#open();
    checkSubject(subject);
    for (const streamId of streamIds) assertStreamId(streamId);
    if (streamIds.length === 0) return;
    await this.#query(
      `INSERT INTO ${this.#s}.personal_streams (subject, stream_id)
        SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
      [subject, streamIds],
      `recording the streams of subject "${subject}"`,
    );
  }

  async forget(subject: string): Promise<ForgetResult> {
    this.#open();
    checkSubject(subject);
    const { rows } = await this.#query<{ forgotten: boolean; streams: string[] }>(
      `WITH k AS (DELETE FROM ${this.#s}.personal_keys WHERE subject = $1 RETURNING 1),
        st AS (DELETE FROM ${this.#s}.personal_streams WHERE subject = $1 RETURNING stream_id)
      SELECT EXISTS (SELECT 1 FROM k) AS forgotten,
        coalesce((SELECT array_agg(stream_id) FROM st), '{}') AS streams`,
      [subject],
      `forgetting subject "${subject}"`,
    );
    const row = rows[0] as { forgotten: boolean; streams: string[] };
    if (this.#vacuum !== 'none') {
      const full = this.#vacuum === 'full' ? '(FULL) ' : '';
      await this.#query(
        `VACUUM ${full}${this.#s}.personal_keys`,
        [],
        `vacuuming the key table after forgetting subject "${subject}"`,
      );
    }
    return { forgotten: row.forgotten, streams: row.streams };
  }

  /**
   * Vacuums the snapshot table of the schema, if there is one (as `forget`
   * vacuums the key table, see {@link KeyVacuum}), so snapshots deleted since
   * leave its pages: `forgetSubject` calls it after deleting snapshots.
   */
  async purge(): Promise<void> {
    this.#open();
    if (this.#vacuum === 'none') return;
    const { rows } = await this.#query<{ found: boolean }>(
      `SELECT to_regclass($1) IS NOT NULL AS found`,
      [`${this.#s}.snapshots`],
      'looking up the snapshot table',
    );
    if (rows[0]?.found !== true) return;
    const full = this.#vacuum === 'full' ? '(FULL) ' : '';
    await this.#query(`VACUUM ${full}${this.#s}.snapshots`, [], 'vacuuming the snapshot table');
  }

  /** Stops this key store (idempotent); the pool stays open (it belongs to the event store or to you). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link PostgresKeyStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #query<R extends object>(
    text: string,
    values: unknown[],
    action: string,
  ): Promise<QueryResult<R>> {
    await this.migrate();
    this.#open();
    return sideTableQuery<R>(
      this.#source,
      values.length === 0 ? { text } : { text, values },
      action,
    );
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
