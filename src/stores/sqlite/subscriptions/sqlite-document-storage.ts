import type BetterSqlite3 from 'better-sqlite3';
import {
  assertCollectionName,
  assertDocumentId,
  assertDocumentIndexes,
} from '../../../core/contracts/document-query.js';
import type {
  DocumentChange,
  DocumentEntry,
  DocumentIndexes,
  DocumentQuery,
  DocumentStorage,
  JsonDocument,
} from '../../../core/contracts/document-storage.js';
import { migrate } from '../migrate.js';
import { DOCUMENT_MIGRATIONS } from '../migrations/index.js';
import {
  createFieldIndex,
  DELETE_COLLECTION,
  DELETE_DOCUMENT,
  findDocumentsSql,
  SELECT_DOCUMENT,
  UPSERT_DOCUMENT,
} from '../sql/documents.js';
import { toDatabaseError } from '../sqlite-database-error.js';
import { runToPromise } from './run-to-promise.js';
import type { SqliteTransaction } from './sqlite-subscription-storage.js';

type Statement<P extends unknown[], R = unknown> = BetterSqlite3.Statement<P, R>;

interface Statements {
  readonly select: Statement<[string, string], string>;
  readonly upsert: Statement<[string, string, string]>;
  readonly delete: Statement<[string, string]>;
  readonly clear: Statement<[string]>;
}

/** Find statements kept prepared, by SQL text (queries of one shape share one). */
const MAX_CACHED_FINDS = 64;

/**
 * The document collections of a SQLite subscription storage, in the table
 * `eventfold_documents` of the store's file (`collection`, `id`, `doc` as
 * JSON text), created on first use by the migration set
 * `DOCUMENT_MIGRATIONS` (recorded in `eventfold_documents_schema`). Declared
 * indexed fields get partial expression indexes on `json_extract`, one per
 * collection and field. Writes are synchronous, inside the storage's
 * `BEGIN IMMEDIATE` transaction.
 *
 * @example
 * ```ts
 * const storage = new SqliteSubscriptionStorage(store);
 * const cart = await storage.documents.get('carts', 'Cart-1');
 * ```
 */
export class SqliteDocumentStorage implements DocumentStorage<SqliteTransaction> {
  readonly #db: BetterSqlite3.Database;
  #statements: Statements | undefined;
  readonly #finds = new Map<string, Statement<unknown[], [string, string]>>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  ensureIndexes(collection: string, indexes: DocumentIndexes): Promise<void> {
    return runToPromise(`creating the indexes of collection "${collection}"`, () => {
      assertCollectionName(collection);
      assertDocumentIndexes(collection, indexes);
      this.#ready();
      for (const [field, type] of Object.entries(indexes)) {
        this.#db.exec(createFieldIndex(collection, field, type));
      }
    });
  }

  get(collection: string, id: string): Promise<JsonDocument | undefined> {
    return runToPromise(`reading document "${id}" of "${collection}"`, () => {
      assertCollectionName(collection);
      assertDocumentId(id, collection);
      const text = this.#ready().select.get(collection, id);
      return text === undefined ? undefined : (JSON.parse(text) as JsonDocument);
    });
  }

  find(query: DocumentQuery): Promise<DocumentEntry[]> {
    return runToPromise(`finding documents of "${query.collection}"`, () => {
      assertCollectionName(query.collection);
      this.#ready();
      const { sql, params } = findDocumentsSql(query);
      return this.#find(sql)
        .all(...params)
        .map(([id, doc]) => ({ id, doc: JSON.parse(doc) as JsonDocument }));
    });
  }

  write(_tx: SqliteTransaction, changes: readonly DocumentChange[]): void {
    const sql = this.#ready();
    try {
      for (const { collection, id, doc } of changes) {
        if (doc === null) sql.delete.run(collection, id);
        else sql.upsert.run(collection, id, doc);
      }
    } catch (error) {
      throw toDatabaseError(error, 'writing documents');
    }
  }

  clear(_tx: SqliteTransaction, collections: readonly string[]): void {
    collections.forEach((collection) => assertCollectionName(collection));
    const sql = this.#ready();
    try {
      for (const collection of collections) sql.clear.run(collection);
    } catch (error) {
      throw toDatabaseError(error, 'clearing document collections');
    }
  }

  /** The table (migrated on first use) and the prepared statements. */
  #ready(): Statements {
    if (this.#statements !== undefined) return this.#statements;
    const db = this.#db;
    migrate(db, DOCUMENT_MIGRATIONS);
    this.#statements = {
      select: db.prepare<[string, string], string>(SELECT_DOCUMENT).pluck(),
      upsert: db.prepare<[string, string, string]>(UPSERT_DOCUMENT),
      delete: db.prepare<[string, string]>(DELETE_DOCUMENT),
      clear: db.prepare<[string]>(DELETE_COLLECTION),
    };
    return this.#statements;
  }

  #find(sql: string): Statement<unknown[], [string, string]> {
    let statement = this.#finds.get(sql);
    if (statement === undefined) {
      if (this.#finds.size >= MAX_CACHED_FINDS) this.#finds.clear();
      statement = this.#db.prepare<unknown[], [string, string]>(sql).raw();
      this.#finds.set(sql, statement);
    }
    return statement;
  }
}
