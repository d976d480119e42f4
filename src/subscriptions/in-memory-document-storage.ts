import {
  assertCollectionName,
  assertDocumentId,
  assertDocumentIndexes,
  runDocumentQuery,
} from '../core/contracts/document-query.js';
import type {
  DocumentChange,
  DocumentEntry,
  DocumentIndexes,
  DocumentQuery,
  DocumentStorage,
  JsonDocument,
} from '../core/contracts/document-storage.js';

/**
 * Document collections in process memory (the documents of the in-memory
 * subscription storage): each document kept as its JSON text, so what a
 * reader gets is always a fresh copy. Queries scan the collection.
 *
 * @example
 * ```ts
 * const storage = new InMemorySubscriptionStorage(); // storage.documents is one
 * const carts = documentsOf(storage).collection(cartsCollection);
 * ```
 */
export class InMemoryDocumentStorage implements DocumentStorage {
  readonly #collections = new Map<string, Map<string, string>>();

  ensureIndexes(collection: string, indexes: DocumentIndexes): Promise<void> {
    return attempt(() => {
      assertCollectionName(collection);
      assertDocumentIndexes(collection, indexes);
    });
  }

  get(collection: string, id: string): Promise<JsonDocument | undefined> {
    return attempt(() => {
      assertCollectionName(collection);
      assertDocumentId(id, collection);
      const text = this.#collections.get(collection)?.get(id);
      return text === undefined ? undefined : (JSON.parse(text) as JsonDocument);
    });
  }

  find(query: DocumentQuery): Promise<DocumentEntry[]> {
    return attempt(() => {
      assertCollectionName(query.collection);
      const rows = this.#collections.get(query.collection) ?? new Map<string, string>();
      const entries = [...rows].map(([id, text]) => ({
        id,
        doc: JSON.parse(text) as JsonDocument,
      }));
      return runDocumentQuery(entries, query);
    });
  }

  write(_tx: undefined, changes: readonly DocumentChange[]): void {
    for (const { collection, id } of changes) {
      assertCollectionName(collection);
      assertDocumentId(id, collection);
    }
    for (const { collection, id, doc } of changes) {
      let rows = this.#collections.get(collection);
      if (rows === undefined) this.#collections.set(collection, (rows = new Map<string, string>()));
      if (doc === null) rows.delete(id);
      else rows.set(id, doc);
    }
  }

  clear(_tx: undefined, collections: readonly string[]): void {
    collections.forEach((collection) => assertCollectionName(collection));
    for (const collection of collections) this.#collections.delete(collection);
  }
}

/** Runs `fn` now; its throw becomes the rejection. */
function attempt<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
