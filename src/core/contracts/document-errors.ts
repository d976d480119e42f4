import { EventfoldError, type CoreErrorCode } from '../errors.js';

/**
 * `insert` found a document with that id already in the collection: in a
 * projection handler it fails the event like any handler error (retried,
 * then parked or stopping the projection), and nothing of the slice is written.
 *
 * @example
 * ```ts
 * try { await carts.insert(id, cart) } catch (e) {
 *   if (DocumentExistsError.is(e)) await carts.replace(id, cart);
 * }
 * ```
 */
export class DocumentExistsError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'DOCUMENT_EXISTS';
  /** The collection. */
  readonly collection: string;
  /** The document's id. */
  readonly id: string;
  constructor(collection: string, id: string) {
    super(`Document "${id}" already exists in collection "${collection}"`);
    this.collection = collection;
    this.id = id;
  }
}

/**
 * `replace` or `patch` found no document with that id in the collection.
 *
 * @example
 * ```ts
 * try { await carts.patch(id, { total: 0 }) } catch (e) {
 *   if (DocumentNotFoundError.is(e)) console.warn(`no cart ${e.id}`);
 * }
 * ```
 */
export class DocumentNotFoundError extends EventfoldError {
  static override readonly code: CoreErrorCode = 'DOCUMENT_NOT_FOUND';
  /** The collection. */
  readonly collection: string;
  /** The document's id. */
  readonly id: string;
  constructor(collection: string, id: string) {
    super(`Document "${id}" not found in collection "${collection}"`);
    this.collection = collection;
    this.id = id;
  }
}
