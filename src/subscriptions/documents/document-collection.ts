import {
  assertCollectionName,
  assertDocumentIndexes,
  type FindOptions,
} from '../../core/contracts/document-query.js';
import type {
  DocumentEntry,
  DocumentFieldType,
  DocumentIndexes,
} from '../../core/contracts/document-storage.js';

/** The JSON type name of an indexable value type. */
export type FieldTypeOf<V> = V extends string
  ? 'string'
  : V extends number
    ? 'number'
    : V extends boolean
      ? 'boolean'
      : never;

/** The fields of `T` that may be indexed: top-level strings, numbers and booleans (optional or nullable allowed). */
export type IndexableField<T> = {
  [K in keyof T & string]-?: FieldTypeOf<NonNullable<T[K]>> extends never ? never : K;
}[keyof T & string];

/** The indexes a collection of `T` may declare: each indexable field with its JSON type. */
export type IndexesFor<T> = {
  readonly [K in IndexableField<T>]?: FieldTypeOf<NonNullable<T[K]>>;
};

/**
 * A named collection of JSON documents of type `T`, with its indexed fields
 * `I` (the only ones finds may filter on or order by). Create one with
 * {@link documentCollection}; the same object is used by a projection's
 * handlers and by readers.
 */
export interface DocumentCollection<T extends object = object, I extends object = object> {
  /** Its name in the storage (a letter, then letters, digits or `_`). */
  readonly name: string;
  /** Indexed field → JSON type. */
  readonly indexes: DocumentIndexes;
  /** Type-only: the documents' type and the declared indexes. */
  readonly __types?: { readonly document: T; readonly indexes: I };
}

/** The document type of a {@link DocumentCollection}. */
export type DocumentOf<C> = C extends DocumentCollection<infer T> ? T : never;

/** A filter value of one indexed field: the value (equality) or operators. */
export type FieldCondition<V> =
  | V
  | {
      readonly eq?: V;
      readonly gt?: V;
      readonly gte?: V;
      readonly lt?: V;
      readonly lte?: V;
      readonly in?: readonly V[];
    };

/** A find's filter on a collection of `T` with indexes `I`: only indexed fields, each with its own value type. */
export type DocumentFilter<T, I> = {
  readonly [K in keyof I & keyof T]?: FieldCondition<NonNullable<T[K]>>;
};

/** A find's options: order by an indexed field (then id), direction, limit (1 to 10,000). */
export interface DocumentFindOptions<I> extends FindOptions {
  readonly orderBy?: keyof I & string;
}

/**
 * The read side of a collection: one document by id, or a find by indexed
 * fields. Reads see committed documents (inside a projection handler, also
 * the changes of the events before it in the same batch).
 */
export interface DocumentReader<T, I> {
  /** The document `id`, or `undefined`. */
  get(id: string): Promise<T | undefined>;
  /** The documents matching `filter` (every condition), ordered by `orderBy` then id. */
  find(
    filter?: DocumentFilter<T, I>,
    options?: DocumentFindOptions<I>,
  ): Promise<DocumentEntry<T>[]>;
}

/**
 * Declares a collection of documents of type `T`: curried so that `T` is
 * given and the indexes are inferred (and checked against `T`'s fields).
 * Throws a `ValidationError` for a bad name or index declaration.
 *
 * @example
 * ```ts
 * interface Cart { customerId: string; total: number; items: string[] }
 * const carts = documentCollection<Cart>()('carts', { indexes: { customerId: 'string', total: 'number' } });
 * ```
 */
export function documentCollection<T extends object>(): <
  // No indexes unless declared: finds may then only list documents by id.
  // eslint-disable-next-line @typescript-eslint/no-generated-empty-object-type
  const I extends IndexesFor<T> = Record<never, DocumentFieldType>,
>(
  name: string,
  options?: { readonly indexes?: I },
) => DocumentCollection<T, I> {
  return (name, options = {}) => {
    assertCollectionName(name);
    const indexes: unknown = options.indexes ?? {};
    assertDocumentIndexes(name, indexes);
    return Object.freeze({ name, indexes: Object.freeze({ ...indexes }) });
  };
}
