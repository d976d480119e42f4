import {
  DocumentExistsError,
  DocumentNotFoundError,
} from '../../core/contracts/document-errors.js';
import {
  assertDocumentId,
  MAX_DOCUMENT_LIMIT,
  prepareDocument,
  prepareDocumentQuery,
  runDocumentQuery,
} from '../../core/contracts/document-query.js';
import type {
  DocumentChange,
  DocumentEntry,
  DocumentReads,
  JsonDocument,
} from '../../core/contracts/document-storage.js';
import type {
  DocumentCollection,
  DocumentFilter,
  DocumentFindOptions,
  DocumentReader,
} from './document-collection.js';

/**
 * A collection as a document projection's handlers see it: reads of the
 * committed documents and of the batch's own earlier changes; writes
 * buffered until the batch commits, with its checkpoint.
 *
 * @example
 * ```ts
 * const handler = async (e: Recorded<ItemAdded>, { carts }: { carts: CollectionWriter<Cart, { total: 'number' }> }) => {
 *   const cart = await carts.get(e.streamId);
 *   if (cart) await carts.patch(e.streamId, { total: cart.total + e.data.price });
 * };
 * ```
 */
export interface CollectionWriter<T, I> extends DocumentReader<T, I> {
  /** Adds a document; a `DocumentExistsError` when `id` is taken. */
  insert(id: string, doc: T): Promise<void>;
  /** Replaces a document; a `DocumentNotFoundError` when there is none. */
  replace(id: string, doc: T): Promise<void>;
  /** Adds or replaces a document. */
  upsert(id: string, doc: T): Promise<void>;
  /**
   * Merges `changes` into a document's top-level fields (a field set to
   * `undefined` is removed) and returns the result; a `DocumentNotFoundError`
   * when there is none.
   */
  patch(id: string, changes: Partial<T>): Promise<T>;
  /** Deletes a document; `false` when there was none. */
  delete(id: string): Promise<boolean>;
}

/**
 * The buffered changes of one batch of a document projection over
 * `reads` (the committed documents): per collection, per id, the new JSON
 * text or `null` (deleted). Discarded when the batch fails.
 */
export class DocumentChanges {
  readonly #reads: DocumentReads;
  readonly #changed = new Map<string, Map<string, string | null>>();

  constructor(reads: DocumentReads) {
    this.#reads = reads;
  }

  /** The changes to write, one per document. */
  list(): DocumentChange[] {
    const changes: DocumentChange[] = [];
    for (const [collection, docs] of this.#changed) {
      for (const [id, doc] of docs) changes.push({ collection, id, doc });
    }
    return changes;
  }

  /** The writer of `collection` over these changes. */
  writer<T extends object, I extends object>(
    collection: DocumentCollection<T, I>,
  ): CollectionWriter<T, I> {
    const { name, indexes } = collection;
    let changed = this.#changed.get(name);
    if (changed === undefined)
      this.#changed.set(name, (changed = new Map<string, string | null>()));
    const own = changed;
    const reads = this.#reads;
    const get = async (id: string): Promise<T | undefined> => {
      assertDocumentId(id, name);
      const text = own.get(id);
      if (text !== undefined) return text === null ? undefined : (JSON.parse(text) as T);
      return (await reads.get(name, id)) as T | undefined;
    };
    const put = (id: string, doc: unknown): void => {
      own.set(id, prepareDocument(name, indexes, id, doc));
    };
    return {
      get,
      find: async (filter?: DocumentFilter<T, I>, options?: DocumentFindOptions<I>) => {
        const query = prepareDocumentQuery(name, indexes, filter ?? {}, options);
        if (own.size === 0) return (await reads.find(query)) as DocumentEntry<T>[];
        // The committed matches, enough of them to make up for those this batch changed.
        const wider = {
          ...query,
          limit: Math.min(MAX_DOCUMENT_LIMIT, (query.limit ?? 0) + own.size),
        };
        const merged = (await reads.find(wider)).filter((entry) => !own.has(entry.id));
        for (const [id, text] of own) {
          if (text !== null) merged.push({ id, doc: JSON.parse(text) as JsonDocument });
        }
        return runDocumentQuery(merged, query) as DocumentEntry<T>[];
      },
      insert: async (id, doc) => {
        if ((await get(id)) !== undefined) throw new DocumentExistsError(name, id);
        put(id, doc);
      },
      replace: async (id, doc) => {
        if ((await get(id)) === undefined) throw new DocumentNotFoundError(name, id);
        put(id, doc);
      },
      upsert: (id, doc) => {
        assertDocumentId(id, name);
        put(id, doc);
        return Promise.resolve();
      },
      patch: async (id, changes) => {
        const current = await get(id);
        if (current === undefined) throw new DocumentNotFoundError(name, id);
        const merged = { ...current, ...changes };
        put(id, merged);
        return JSON.parse(own.get(id) as string) as T;
      },
      delete: async (id) => {
        const existed = (await get(id)) !== undefined;
        own.set(id, null);
        return existed;
      },
    };
  }
}
