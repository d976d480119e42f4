import type { DocumentStorage } from '../../core/contracts/document-storage.js';
import type { SubscriptionStorage } from '../../core/contracts/subscription-storage.js';
import { EventfoldError, InvalidOptionError } from '../../core/errors.js';
import type { EventApplier } from '../event-applier.js';
import { DocumentChanges } from './collection-writer.js';
import type { DocumentProjection } from './document-projection.js';

/** The document storage of `storage`; an `InvalidOptionError` (option `storage`) when it has none. */
export function documentsIn<Tx>(storage: SubscriptionStorage<Tx>): DocumentStorage<Tx>;
/** Checks that a storage of any kind has document collections (see the first overload). */
export function documentsIn(storage: object): unknown;
export function documentsIn(storage: object): unknown {
  const documents = (storage as { documents?: unknown }).documents;
  if (documents === undefined) {
    throw new InvalidOptionError(
      'storage',
      storage,
      'a storage with document collections (`documents`): the memory, SQLite or PostgreSQL subscription storage',
    );
  }
  return documents;
}

/**
 * How a subscription applies a document projection: each batch's handlers
 * run before its transaction against buffered changes (so they may await on
 * every backend), and the changes are written in the transaction with the
 * checkpoint. The first batch on a storage makes sure the collections'
 * indexes exist. A rebuild deletes the collections' documents.
 *
 * @internal
 */
export function documentApplier(projection: DocumentProjection): EventApplier<unknown> {
  const collections = Object.values(projection.collections);
  const indexed = new WeakSet<object>();
  const writers = Object.entries(projection.collections);
  return {
    inTransaction: true,
    apply: () => {
      throw new EventfoldError(`Projection "${projection.name}" applies its events in slices`);
    },
    reset: (tx, storage) =>
      documentsIn(storage).clear(
        tx,
        collections.map((collection) => collection.name),
      ),
    prepare: async (storage) => {
      const documents = documentsIn(storage);
      if (!indexed.has(documents)) {
        for (const { name, indexes } of collections) await documents.ensureIndexes(name, indexes);
        indexed.add(documents);
      }
      const changes = new DocumentChanges(documents);
      const handles = Object.fromEntries(writers.map(([key, c]) => [key, changes.writer(c)]));
      return {
        apply: (event) => projection.handlers[event.type]?.(event, handles),
        flush: (tx) => {
          const list = changes.list();
          return list.length === 0 ? undefined : documents.write(tx, list);
        },
      };
    },
  };
}
