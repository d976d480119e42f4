import { assertSubscriptionName } from '../../core/contracts/subscription-name.js';
import { ValidationError } from '../../core/errors.js';
import type { NewEvent, Recorded, RecordedEvent } from '../../core/events.js';
import type { CollectionWriter } from './collection-writer.js';
import type { DocumentCollection } from './document-collection.js';

/** The collections a document projection declares, by the name its handlers use. */
export type DocumentCollections = Readonly<Record<string, DocumentCollection>>;

/** What handlers get for collections `C`: a writer per collection. */
export type CollectionWriters<C extends DocumentCollections> = {
  readonly [K in keyof C]: C[K] extends DocumentCollection<infer T, infer I>
    ? CollectionWriter<T, I>
    : never;
};

/** A document projection's handler of one event type; it may be async on every backend. */
export type DocumentHandler<E extends RecordedEvent, C extends DocumentCollections> = (
  event: E,
  collections: CollectionWriters<C>,
) => void | Promise<void>;

/** Handlers by event type, typed by the union `E` of the events handled. */
export type DocumentHandlers<E extends NewEvent, C extends DocumentCollections> = {
  readonly [K in E['type']]?: DocumentHandler<Recorded<Extract<E, { readonly type: K }>>, C>;
};

/** What {@link defineDocumentProjection} takes. */
export interface DocumentProjectionDefinition<E extends NewEvent, C extends DocumentCollections> {
  /** Its name: its checkpoint, lease and dead letters are kept under it. */
  readonly name: string;
  /** The collections it writes (it owns them: a rebuild clears them). */
  readonly collections: C;
  /** One handler per event type handled; the subscription reads only those types. */
  readonly handlers: DocumentHandlers<E, C>;
  /** Only events of streams in these categories. */
  readonly categories?: readonly string[];
}

/**
 * A projection into document collections, the same on every backend: see
 * {@link defineDocumentProjection}. Start it with `startProjection`.
 */
export interface DocumentProjection {
  readonly kind: 'document-projection';
  readonly name: string;
  /** The collections it owns, by the name its handlers use. */
  readonly collections: DocumentCollections;
  readonly handlers: Readonly<
    Record<string, DocumentHandler<RecordedEvent, DocumentCollections> | undefined>
  >;
  readonly categories?: readonly string[] | undefined;
}

/**
 * Defines a projection into document collections: handlers (async allowed)
 * get, insert, replace, patch, delete and find documents the same way on the
 * memory, SQLite and PostgreSQL storages. Each batch's changes are written in
 * the transaction that moves the checkpoint: exactly-once on SQLite and
 * PostgreSQL. Curried, so that the event union is given and the collections
 * inferred. Throws a `ValidationError` for a bad name, no handlers, a handler
 * that is not a function, or two collections with one name.
 *
 * @example
 * ```ts
 * const cartList = defineDocumentProjection<CartEvent>()({
 *   name: 'cart-list',
 *   collections: { carts },
 *   handlers: {
 *     CartOpened: async (e, { carts }) => carts.insert(e.streamId, { customerId: e.data.customerId, total: 0 }),
 *   },
 * });
 * ```
 */
export function defineDocumentProjection<E extends NewEvent>(): <
  const C extends DocumentCollections,
>(
  definition: DocumentProjectionDefinition<E, C>,
) => DocumentProjection {
  return (definition) => {
    const { name, collections, categories } = definition;
    assertSubscriptionName(name);
    const handlers = definition.handlers as DocumentProjection['handlers'];
    const types = Object.keys(handlers).filter((type) => handlers[type] !== undefined);
    if (types.length === 0) throw new ValidationError(`Projection "${name}" has no handlers`);
    for (const type of types) {
      if (typeof handlers[type] !== 'function') {
        throw new ValidationError(`Projection "${name}": the handler of ${type} is not a function`);
      }
    }
    const names = Object.values(collections).map((collection) => collection.name);
    if (names.length === 0) throw new ValidationError(`Projection "${name}" has no collections`);
    if (new Set(names).size !== names.length) {
      throw new ValidationError(`Projection "${name}": two of its collections have the same name`);
    }
    return { kind: 'document-projection', name, collections, handlers, categories };
  };
}

/** Whether `projection` is a {@link DocumentProjection}. */
export function isDocumentProjection(projection: unknown): projection is DocumentProjection {
  return (
    typeof projection === 'object' &&
    projection !== null &&
    (projection as { kind?: unknown }).kind === 'document-projection'
  );
}
