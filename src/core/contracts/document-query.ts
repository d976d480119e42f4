import { ValidationError } from '../errors.js';
import { compareCodePoints } from '../list-streams.js';
import { serializeJson } from '../serialization.js';
import type {
  DocumentCondition,
  DocumentEntry,
  DocumentFieldType,
  DocumentFieldValue,
  DocumentIndexes,
  DocumentOperator,
  DocumentQuery,
  JsonDocument,
} from './document-storage.js';

/** The longest document id, in UTF-16 code units. */
export const MAX_DOCUMENT_ID_LENGTH = 255;
/** The most documents a find returns at once. */
export const MAX_DOCUMENT_LIMIT = 10_000;

/** Collection and field names: a letter, then letters, digits or `_`; at most 48 characters (they name SQL indexes). */
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,47}$/;
const TYPES: readonly string[] = ['string', 'number', 'boolean'];
const OPERATORS: readonly string[] = ['eq', 'gt', 'gte', 'lt', 'lte', 'in'];

/**
 * Checks a collection name: a letter, then up to 47 letters, digits or `_`.
 * Throws a `ValidationError` otherwise.
 *
 * @example
 * ```ts
 * assertCollectionName('carts'); // ok
 * assertCollectionName('my carts'); // ValidationError
 * ```
 */
export function assertCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ValidationError(
      `Invalid collection name ${JSON.stringify(name) ?? String(name)}: expected a letter, then up to 47 letters, digits or "_"`,
    );
  }
}

/** Checks a document id: a non-empty string of at most 255 characters without NUL. */
export function assertDocumentId(id: unknown, collection: string): asserts id is string {
  if (
    typeof id !== 'string' ||
    id.length === 0 ||
    id.length > MAX_DOCUMENT_ID_LENGTH ||
    id.includes('\u0000')
  ) {
    throw new ValidationError(
      `Invalid document id in collection "${collection}": expected a non-empty string of at most ${MAX_DOCUMENT_ID_LENGTH} characters without NUL`,
    );
  }
}

/** Checks the declared indexes of a collection: field names as collection names, types `string`, `number`, `boolean`. */
export function assertDocumentIndexes(
  collection: string,
  indexes: unknown,
): asserts indexes is DocumentIndexes {
  if (typeof indexes !== 'object' || indexes === null || Array.isArray(indexes)) {
    throw new ValidationError(`Collection "${collection}": indexes must be an object`);
  }
  for (const [field, type] of Object.entries(indexes)) {
    if (!NAME.test(field)) {
      throw new ValidationError(
        `Collection "${collection}": invalid indexed field name "${field}" (a letter, then up to 47 letters, digits or "_")`,
      );
    }
    if (typeof type !== 'string' || !TYPES.includes(type)) {
      throw new ValidationError(
        `Collection "${collection}": the type of indexed field "${field}" must be "string", "number" or "boolean"`,
      );
    }
  }
}

/** An escaped NUL in JSON text: `\u0000` preceded by an even number of backslashes. */
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * Checks a document and serialises it to JSON text: a plain object that JSON
 * keeps without loss (see `serializeJson`), no NUL character in any string
 * (PostgreSQL's `jsonb` cannot hold one), and each declared indexed field
 * either absent, `null`, or of its declared type. Throws a
 * `ValidationError` (or a `SerializationError`) naming the collection and id.
 */
export function prepareDocument(
  collection: string,
  indexes: DocumentIndexes,
  id: string,
  doc: unknown,
): string {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ValidationError(
      `Document "${id}" of collection "${collection}" must be an object (not an array or null)`,
    );
  }
  const text = serializeJson(doc, `${collection}/${id}`);
  if (ESCAPED_NUL.test(text)) {
    throw new ValidationError(
      `Document "${id}" of collection "${collection}" has a NUL character in a string`,
    );
  }
  const record = doc as JsonDocument;
  for (const [field, type] of Object.entries(indexes)) {
    const value = record[field];
    if (value !== undefined && value !== null && typeof value !== type) {
      throw new ValidationError(
        `Document "${id}" of collection "${collection}": indexed field "${field}" must be a ${type} (or absent), got ${typeof value}`,
        [{ message: `expected ${type}`, path: [field] }],
      );
    }
  }
  return text;
}

/** What a find takes besides the filter. */
export interface FindOptions {
  /** An indexed field to order by (then by id); default: by id. */
  readonly orderBy?: string;
  /** `asc` (default) or `desc`. */
  readonly direction?: 'asc' | 'desc';
  /** At most this many documents (1 to 10,000; default 10,000). */
  readonly limit?: number;
}

/**
 * Checks a find on `collection` and turns it into a {@link DocumentQuery}:
 * only declared indexed fields may be filtered on or ordered by, with values
 * of their declared type (`NaN` and infinities refused), operators `eq`,
 * `gt`, `gte`, `lt`, `lte` and `in` (a non-empty array of at most 1,000).
 * Throws a `ValidationError` naming the problem.
 *
 * @example
 * ```ts
 * prepareDocumentQuery('carts', { total: 'number' }, { total: { gte: 10 } }, { orderBy: 'total', limit: 5 });
 * ```
 */
export function prepareDocumentQuery(
  collection: string,
  indexes: DocumentIndexes,
  filter: object = {},
  options: FindOptions = {},
): DocumentQuery {
  assertCollectionName(collection);
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new ValidationError(`Find in "${collection}": the filter must be an object`);
  }
  const where: DocumentCondition[] = [];
  for (const [field, spec] of Object.entries(filter) as [string, unknown][]) {
    if (spec === undefined) continue;
    const type = typeOf(collection, indexes, field);
    if (typeof spec !== 'object' || spec === null) {
      where.push({ field, type, op: 'eq', value: checkValue(collection, field, type, spec) });
      continue;
    }
    for (const [op, value] of Object.entries(spec) as [string, unknown][]) {
      if (value === undefined) continue;
      if (!OPERATORS.includes(op)) {
        throw new ValidationError(
          `Find in "${collection}": unknown operator "${op}" on "${field}" (eq, gt, gte, lt, lte, in)`,
        );
      }
      if (op === 'in') {
        if (!Array.isArray(value) || value.length === 0 || value.length > 1_000) {
          throw new ValidationError(
            `Find in "${collection}": "in" on "${field}" needs an array of 1 to 1,000 values`,
          );
        }
        const values = (value as unknown[]).map((v) => checkValue(collection, field, type, v));
        where.push({ field, type, op: 'in', value: values });
      } else {
        const checked = checkValue(collection, field, type, value);
        where.push({ field, type, op: op as DocumentOperator, value: checked });
      }
    }
  }
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError(`Find in "${collection}": the options must be an object`);
  }
  const { orderBy, direction = 'asc', limit } = options;
  if (direction !== 'asc' && direction !== 'desc') {
    throw new ValidationError(`Find in "${collection}": direction must be "asc" or "desc"`);
  }
  if (
    limit !== undefined &&
    (!Number.isInteger(limit) || limit < 1 || limit > MAX_DOCUMENT_LIMIT)
  ) {
    throw new ValidationError(
      `Find in "${collection}": limit must be an integer from 1 to ${MAX_DOCUMENT_LIMIT}`,
    );
  }
  return {
    collection,
    where,
    orderBy:
      orderBy === undefined
        ? undefined
        : { field: orderBy, type: typeOf(collection, indexes, orderBy), direction },
    limit: limit ?? MAX_DOCUMENT_LIMIT,
  };
}

function typeOf(collection: string, indexes: DocumentIndexes, field: string): DocumentFieldType {
  const type = Object.hasOwn(indexes, field) ? indexes[field] : undefined;
  if (type === undefined) {
    throw new ValidationError(
      `Find in "${collection}": "${field}" is not an indexed field (declare it in the collection's indexes)`,
    );
  }
  return type;
}

function checkValue(
  collection: string,
  field: string,
  type: DocumentFieldType,
  value: unknown,
): DocumentFieldValue {
  if (typeof value !== type || (typeof value === 'number' && !Number.isFinite(value))) {
    throw new ValidationError(
      `Find in "${collection}": "${field}" is a ${type} field; got ${typeof value === 'number' ? String(value) : typeof value}`,
    );
  }
  return value as DocumentFieldValue;
}

/** Compares two indexed values of one type: strings by code point, numbers numerically, false < true. */
export function compareFieldValues(a: DocumentFieldValue, b: DocumentFieldValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The value of `field` in `doc` when it has the declared type, else `undefined` (missing, null). */
function fieldOf(
  doc: JsonDocument,
  field: string,
  type: DocumentFieldType,
): DocumentFieldValue | undefined {
  const value = doc[field];
  return typeof value === type ? (value as DocumentFieldValue) : undefined;
}

function holds(condition: DocumentCondition, doc: JsonDocument): boolean {
  const value = fieldOf(doc, condition.field, condition.type);
  if (value === undefined) return false;
  if (condition.op === 'in') {
    return (condition.value as readonly DocumentFieldValue[]).some(
      (v) => compareFieldValues(value, v) === 0,
    );
  }
  const order = compareFieldValues(value, condition.value as DocumentFieldValue);
  switch (condition.op) {
    case 'eq':
      return order === 0;
    case 'gt':
      return order > 0;
    case 'gte':
      return order >= 0;
    case 'lt':
      return order < 0;
    default:
      return order <= 0;
  }
}

/**
 * Runs `query` over documents in memory, as every backend runs it: the
 * entries matching every condition, ordered by the order field (missing
 * values last ascending, first descending) then by id (code point order),
 * at most `limit`. The reference semantics of the SQL backends.
 */
export function runDocumentQuery<T extends JsonDocument>(
  entries: Iterable<DocumentEntry<T>>,
  query: DocumentQuery,
): DocumentEntry<T>[] {
  const matching = [...entries].filter((entry) => query.where.every((c) => holds(c, entry.doc)));
  const { orderBy } = query;
  matching.sort((a, b) => {
    if (orderBy !== undefined) {
      const x = fieldOf(a.doc, orderBy.field, orderBy.type);
      const y = fieldOf(b.doc, orderBy.field, orderBy.type);
      const sign = orderBy.direction === 'asc' ? 1 : -1;
      if (x === undefined || y === undefined) {
        if (x !== y) return (x === undefined ? 1 : -1) * sign;
      } else {
        const order = compareFieldValues(x, y);
        if (order !== 0) return order * sign;
      }
      return compareCodePoints(a.id, b.id) * sign;
    }
    return compareCodePoints(a.id, b.id);
  });
  return matching.slice(0, query.limit ?? MAX_DOCUMENT_LIMIT);
}
