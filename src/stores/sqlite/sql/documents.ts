import type {
  DocumentFieldType,
  DocumentFieldValue,
  DocumentQuery,
} from '../../../core/contracts/document-storage.js';
import { DOCUMENTS_TABLE } from './tables.js';

/** `$1` collection, `$2` id → `[doc]`. */
export const SELECT_DOCUMENT = `SELECT doc FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND id = ?`;
/** `$1` collection, `$2` id, `$3` JSON text: insert or replace. */
export const UPSERT_DOCUMENT = `INSERT INTO ${DOCUMENTS_TABLE} (collection, id, doc) VALUES (?, ?, ?)
  ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`;
/** `$1` collection, `$2` id. */
export const DELETE_DOCUMENT = `DELETE FROM ${DOCUMENTS_TABLE} WHERE collection = ? AND id = ?`;
/** `$1` collection: every document of it. */
export const DELETE_COLLECTION = `DELETE FROM ${DOCUMENTS_TABLE} WHERE collection = ?`;

const JSON_TYPES: Record<DocumentFieldType, string> = {
  string: `'text'`,
  number: `'integer', 'real'`,
  boolean: `'true', 'false'`,
};

/**
 * The value of a top-level field of the declared type, else NULL: the one
 * expression of its index and of the queries on it (SQLite uses an
 * expression index only for the same expression). `field` is a checked name.
 */
export function fieldExpression(field: string, type: DocumentFieldType): string {
  const path = `'$.${field}'`;
  return `(CASE WHEN json_type(doc, ${path}) IN (${JSON_TYPES[type]}) THEN json_extract(doc, ${path}) END)`;
}

/**
 * Creates the index of a field of a collection: a partial index (only that
 * collection's rows) on the field's expression. Queries name the collection
 * as a literal so that SQLite can use it. Names are checked by the caller.
 */
export function createFieldIndex(
  collection: string,
  field: string,
  type: DocumentFieldType,
): string {
  const name = `${DOCUMENTS_TABLE}__${collection}__${field}__${type}`;
  return `CREATE INDEX IF NOT EXISTS "${name}" ON ${DOCUMENTS_TABLE} (${fieldExpression(field, type)}, id) WHERE collection = '${collection}'`;
}

/** A value as better-sqlite3 binds it (booleans as 1 and 0, as `json_extract` gives them). */
function bindable(value: DocumentFieldValue): string | number {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

const COMPARISONS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The SQL and parameters of a checked query (its collection name checked) → rows `[id, doc]`. */
export function findDocumentsSql(query: DocumentQuery): {
  sql: string;
  params: (string | number)[];
} {
  const params: (string | number)[] = [];
  // A literal (the name is checked): SQLite then uses the collection's partial indexes.
  const where = [`collection = '${query.collection}'`];
  for (const { field, type, op, value } of query.where) {
    const expression = fieldExpression(field, type);
    if (op === 'in') {
      const values = value as readonly DocumentFieldValue[];
      where.push(`${expression} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values.map(bindable));
    } else {
      where.push(`${expression} ${COMPARISONS[op]} ?`);
      params.push(bindable(value as DocumentFieldValue));
    }
  }
  const { orderBy } = query;
  const order =
    orderBy === undefined
      ? 'id'
      : orderBy.direction === 'asc'
        ? `${fieldExpression(orderBy.field, orderBy.type)} ASC NULLS LAST, id ASC`
        : `${fieldExpression(orderBy.field, orderBy.type)} DESC NULLS FIRST, id DESC`;
  params.push(query.limit ?? -1);
  return {
    sql: `SELECT id, doc FROM ${DOCUMENTS_TABLE} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    params,
  };
}
