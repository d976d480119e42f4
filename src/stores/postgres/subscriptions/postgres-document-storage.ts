import type { PoolClient } from 'pg';
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
import { DOCUMENT_MIGRATIONS } from '../migrations/index.js';
import { toDatabaseError } from '../postgres-database-error.js';
import { quoteSchema } from '../schema-name.js';
import { LazyMigration, sideTableQuery, type SideTableSource } from '../side-table-source.js';
import { createFieldIndexSql, documentsSql, findDocumentsSql } from '../sql/documents.js';
import { LOCK_SCHEMA } from '../sql/migrations.js';
import { MIGRATION_LOCK_CLASS } from '../migrate.js';
import { timed } from '../timed-query.js';
import { withTransaction } from '../with-transaction.js';

/**
 * The document collections of a PostgreSQL subscription storage, in the
 * table `<schema>.documents` (`collection`, `id`, `doc` as `jsonb`), created
 * on first use by the migration set `DOCUMENT_MIGRATIONS` (recorded in
 * `<schema>.documents_schema`). Declared indexed fields get partial
 * expression indexes, one per collection and field. A batch's changes are
 * written with at most two set-based statements (`INSERT … SELECT FROM
 * unnest(…) ON CONFLICT DO UPDATE`, `DELETE … USING unnest(…)`) inside the
 * storage's transaction. Numbers come back as numbers (`jsonb`).
 *
 * @example
 * ```ts
 * await using storage = new PostgresSubscriptionStorage(store);
 * const cart = await storage.documents.get('carts', 'Cart-1');
 * ```
 */
export class PostgresDocumentStorage implements DocumentStorage<PoolClient> {
  readonly #source: SideTableSource;
  readonly #migration: LazyMigration;
  readonly #quoted: string;
  readonly #sql: ReturnType<typeof documentsSql>;

  constructor(source: SideTableSource) {
    this.#source = source;
    this.#migration = new LazyMigration(source, DOCUMENT_MIGRATIONS);
    this.#quoted = quoteSchema(source.schema);
    this.#sql = documentsSql(this.#quoted);
  }

  async ensureIndexes(collection: string, indexes: DocumentIndexes): Promise<void> {
    assertCollectionName(collection);
    assertDocumentIndexes(collection, indexes);
    await this.#migration.run();
    const fields = Object.entries(indexes);
    if (fields.length === 0) return;
    const source = this.#source;
    const action = `creation of the indexes of collection "${collection}"`;
    await withTransaction(source, action, async (client) => {
      try {
        // Under the schema's migration lock: two processes creating one index at once would collide.
        await client.query(LOCK_SCHEMA, [MIGRATION_LOCK_CLASS, source.schema]);
        for (const [field, type] of fields) {
          await client.query(createFieldIndexSql(this.#quoted, collection, field, type));
        }
      } catch (error) {
        throw toDatabaseError(error, action, source.secrets);
      }
    });
  }

  async get(collection: string, id: string): Promise<JsonDocument | undefined> {
    assertCollectionName(collection);
    assertDocumentId(id, collection);
    await this.#migration.run();
    const { rows } = await sideTableQuery<{ doc: JsonDocument }>(
      this.#source,
      { text: this.#sql.get, values: [collection, id] },
      `read of document "${id}" of "${collection}"`,
    );
    return rows[0]?.doc;
  }

  async find(query: DocumentQuery): Promise<DocumentEntry[]> {
    assertCollectionName(query.collection);
    await this.#migration.run();
    const { rows } = await sideTableQuery<{ id: string; doc: JsonDocument }>(
      this.#source,
      findDocumentsSql(this.#quoted, query),
      `find in "${query.collection}"`,
    );
    return rows.map(({ id, doc }) => ({ id, doc }));
  }

  async write(tx: PoolClient, changes: readonly DocumentChange[]): Promise<void> {
    await this.#migration.run();
    const puts = changes.filter((change) => change.doc !== null);
    const deletes = changes.filter((change) => change.doc === null);
    await this.#query(tx, 'write of documents', async (query) => {
      if (puts.length > 0) {
        await query(this.#sql.upsert, [
          puts.map((change) => change.collection),
          puts.map((change) => change.id),
          puts.map((change) => change.doc),
        ]);
      }
      if (deletes.length > 0) {
        await query(this.#sql.delete, [
          deletes.map((change) => change.collection),
          deletes.map((change) => change.id),
        ]);
      }
    });
  }

  async clear(tx: PoolClient, collections: readonly string[]): Promise<void> {
    collections.forEach((collection) => assertCollectionName(collection));
    await this.#migration.run();
    await this.#query(tx, 'clearing of document collections', async (query) => {
      await query(this.#sql.clear, [collections]);
    });
  }

  /** Runs `fn` with timed queries on `tx`; a driver error becomes a `DatabaseError`. */
  async #query(
    tx: PoolClient,
    action: string,
    fn: (query: (text: string, values: unknown[]) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    const { statementTimeoutMs, secrets } = this.#source;
    try {
      await fn((text, values) => tx.query(timed({ text, values }, statementTimeoutMs)));
    } catch (error) {
      throw toDatabaseError(error, action, secrets);
    }
  }
}
