import type { IsSynchronous } from './synchronous-transaction.js';

/** The JSON type of a declared indexed field of a document collection. */
export type DocumentFieldType = 'string' | 'number' | 'boolean';

/** The indexed fields of a collection: top-level field name → its JSON type. */
export type DocumentIndexes = Readonly<Record<string, DocumentFieldType>>;

/** A value of an indexed field. */
export type DocumentFieldValue = string | number | boolean;

/** A comparison of a {@link DocumentCondition}. */
export type DocumentOperator = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'in';

/** A document as stored: a JSON object. */
export type JsonDocument = Record<string, unknown>;

/**
 * One condition of a {@link DocumentQuery} on an indexed field (checked by
 * `prepareDocumentQuery`): `value` has the field's type, or is a non-empty
 * array of such values for `in`. A document whose field is missing or `null`
 * matches no condition.
 */
export interface DocumentCondition {
  readonly field: string;
  readonly type: DocumentFieldType;
  readonly op: DocumentOperator;
  readonly value: DocumentFieldValue | readonly DocumentFieldValue[];
}

/**
 * A query of one collection, checked and normalised: every condition must
 * hold; results are ordered by `orderBy` (documents without the field last
 * ascending, first descending), then by id, and at most `limit` come back.
 *
 * @example
 * ```ts
 * const query: DocumentQuery = {
 *   collection: 'carts',
 *   where: [{ field: 'total', type: 'number', op: 'gte', value: 10 }],
 *   orderBy: { field: 'total', type: 'number', direction: 'desc' },
 *   limit: 20,
 * };
 * ```
 */
export interface DocumentQuery {
  readonly collection: string;
  readonly where: readonly DocumentCondition[];
  readonly orderBy?:
    | {
        readonly field: string;
        readonly type: DocumentFieldType;
        readonly direction: 'asc' | 'desc';
      }
    | undefined;
  readonly limit?: number | undefined;
}

/** A document with its id, as a find returns it. */
export interface DocumentEntry<T = JsonDocument> {
  readonly id: string;
  readonly doc: T;
}

/**
 * One buffered change: the document's JSON text (checked by
 * `prepareDocument`) to store under `(collection, id)`, or `null` to delete it.
 */
export interface DocumentChange {
  readonly collection: string;
  readonly id: string;
  readonly doc: string | null;
}

/**
 * What a write of a {@link DocumentStorage} returns in a transaction of `Tx`:
 * nothing when `Tx` is synchronous (SQLite), else nothing or a promise.
 */
export type DocumentWriteResult<Tx> =
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  IsSynchronous<Tx> extends true ? void : void | Promise<void>;

/**
 * The read side of a {@link DocumentStorage}: what queries (HTTP handlers,
 * `documentsOf`) use, on a storage of any transaction type.
 *
 * @example
 * ```ts
 * const reads: DocumentReads | undefined = storage.documents;
 * const cart = await reads?.get('carts', 'Cart-1');
 * ```
 */
export interface DocumentReads {
  /** Creates what makes queries on these fields fast (idempotent, safe from several processes). */
  ensureIndexes(collection: string, indexes: DocumentIndexes): Promise<void>;
  /** The committed document `id` of `collection`, or `undefined`. */
  get(collection: string, id: string): Promise<JsonDocument | undefined>;
  /** The committed documents matching a checked query (see `prepareDocumentQuery`). */
  find(query: DocumentQuery): Promise<DocumentEntry[]>;
}

/**
 * Document collections kept by a subscription storage beside its checkpoints
 * (for storage authors): a document projection reads through `get` and
 * `find` outside any transaction, then writes its buffered changes with
 * `write` inside the storage transaction that moves its checkpoint, so both
 * commit together. Every backend stores JSON objects under
 * `(collection, id)` and compares indexed fields the same way: strings by code
 * point, numbers numerically, `false` before `true`.
 *
 * @example
 * ```ts
 * const documents = storage.documents; // memory, SQLite and PostgreSQL storages have one
 * await documents?.ensureIndexes('carts', { customerId: 'string', total: 'number' });
 * const cart = await documents?.get('carts', 'Cart-1');
 * ```
 */
export interface DocumentStorage<Tx = undefined> extends DocumentReads {
  /** Writes `changes` (at most one per document) inside a transaction of the storage. */
  write(tx: Tx, changes: readonly DocumentChange[]): DocumentWriteResult<Tx>;
  /** Deletes every document of `collections` inside a transaction of the storage (a rebuild). */
  clear(tx: Tx, collections: readonly string[]): DocumentWriteResult<Tx>;
}
