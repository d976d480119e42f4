import { createHash } from 'node:crypto';
import type { DocumentFieldType, DocumentQuery } from '../../../core/contracts/document-storage.js';

const CASTS: Record<DocumentFieldType, { json: string; value: string; sql: string }> = {
  string: { json: 'string', value: '', sql: 'text' },
  number: { json: 'number', value: '::float8', sql: 'float8' },
  boolean: { json: 'boolean', value: '::boolean', sql: 'boolean' },
};

/**
 * The value of a top-level field of the declared type, else NULL (strings
 * compared by code point): the one expression of its index and of the
 * queries on it. `field` is a checked name.
 */
export function fieldExpression(field: string, type: DocumentFieldType): string {
  const cast = CASTS[type];
  const value = `(CASE WHEN jsonb_typeof(doc->'${field}') = '${cast.json}' THEN (doc->>'${field}')${cast.value} END)`;
  return type === 'string' ? `(${value} COLLATE "C")` : value;
}

/** The statements of a schema's document table (given the quoted schema). */
export function documentsSql(s: string): {
  readonly get: string;
  readonly upsert: string;
  readonly delete: string;
  readonly clear: string;
} {
  return {
    get: `SELECT doc FROM ${s}.documents WHERE collection = $1::text AND id = $2::text`,
    upsert: `INSERT INTO ${s}.documents (collection, id, doc)
      SELECT c, i, d::jsonb FROM unnest($1::text[], $2::text[], $3::text[]) AS t(c, i, d)
      ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
    delete: `DELETE FROM ${s}.documents AS d USING unnest($1::text[], $2::text[]) AS t(c, i)
      WHERE d.collection = t.c AND d.id = t.i`,
    clear: `DELETE FROM ${s}.documents WHERE collection = ANY($1::text[])`,
  };
}

/**
 * Creates the index of a field of a collection: a partial index (that
 * collection's rows) on the field's expression, named by a hash (PostgreSQL
 * names have at most 63 bytes). Queries name the collection as a literal so
 * that the planner can use it. Names are checked by the caller.
 */
export function createFieldIndexSql(
  s: string,
  collection: string,
  field: string,
  type: DocumentFieldType,
): string {
  const hash = createHash('sha256').update(`${collection}/${field}/${type}`).digest('hex');
  return `CREATE INDEX IF NOT EXISTS "documents_${hash.slice(0, 24)}" ON ${s}.documents (${fieldExpression(field, type)}, id) WHERE collection = '${collection}'`;
}

const COMPARISONS = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** The SQL and parameters of a checked query (its collection name checked) → rows `{ id, doc }`. */
export function findDocumentsSql(
  s: string,
  query: DocumentQuery,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const where = [`collection = '${query.collection}'`];
  for (const { field, type, op, value } of query.where) {
    values.push(value);
    const param = `$${values.length}::${CASTS[type].sql}`;
    where.push(
      op === 'in'
        ? `${fieldExpression(field, type)} = ANY(${param}[])`
        : `${fieldExpression(field, type)} ${COMPARISONS[op]} ${param}`,
    );
  }
  const { orderBy } = query;
  const order =
    orderBy === undefined
      ? 'id'
      : orderBy.direction === 'asc'
        ? `${fieldExpression(orderBy.field, orderBy.type)} ASC NULLS LAST, id ASC`
        : `${fieldExpression(orderBy.field, orderBy.type)} DESC NULLS FIRST, id DESC`;
  values.push(query.limit ?? null);
  return {
    text: `SELECT id, doc FROM ${s}.documents WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $${values.length}::int`,
    values,
  };
}
