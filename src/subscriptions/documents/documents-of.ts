import { assertDocumentId, prepareDocumentQuery } from '../../core/contracts/document-query.js';
import type { DocumentEntry, DocumentReads } from '../../core/contracts/document-storage.js';
import type {
  AnySubscriptionStorage,
  SubscriptionStorage,
} from '../../core/contracts/subscription-storage.js';
import type { EventStore } from '../../core/event-store.js';
import { storageOf } from '../default-storage.js';
import { documentsIn } from './document-applier.js';
import type { DocumentCollection, DocumentReader } from './document-collection.js';

/** The read side of the document collections of a store or storage: see {@link documentsOf}. */
export interface DocumentsView {
  /** The reader of `collection`: `get` and `find` on the committed documents. */
  collection<T extends object, I extends object>(
    collection: DocumentCollection<T, I>,
  ): DocumentReader<T, I>;
}

function isStorage(source: object): source is SubscriptionStorage<unknown> {
  // A storage (it has documents, or lacks them: an InvalidOptionError below), not a store.
  return (
    typeof (source as { transaction?: unknown }).transaction === 'function' &&
    typeof (source as { checkpoints?: unknown }).checkpoints === 'object'
  );
}

/**
 * The committed documents of a store's document projections, for queries
 * (HTTP handlers, reports): given a store, the storage its projections use
 * by default (its own database, or the in-memory store's shared storage);
 * given a subscription storage, that one. Reads only: a reader never writes.
 * Throws an `InvalidOptionError` when the storage has no document collections.
 *
 * @example
 * ```ts
 * const reader = documentsOf(store).collection(carts);
 * const big = await reader.find({ customerId: 'c1', total: { gte: 10 } }, { orderBy: 'total', limit: 20 });
 * ```
 */
export function documentsOf(
  source: EventStore | AnySubscriptionStorage | { readonly documents?: DocumentReads | undefined },
): DocumentsView {
  const storage =
    isStorage(source) || 'documents' in source
      ? (source as SubscriptionStorage<unknown>)
      : storageOf(source as EventStore, undefined).storage;
  const reads: DocumentReads = documentsIn(storage);
  return {
    collection: <T extends object, I extends object>(
      collection: DocumentCollection<T, I>,
    ): DocumentReader<T, I> => ({
      get: async (id) => {
        assertDocumentId(id, collection.name);
        return (await reads.get(collection.name, id)) as T | undefined;
      },
      find: async (filter, options) => {
        const query = prepareDocumentQuery(collection.name, collection.indexes, filter, options);
        return (await reads.find(query)) as DocumentEntry<T>[];
      },
    }),
  };
}
