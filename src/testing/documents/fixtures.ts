import type { EventStore } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';
import type { AnySubscriptionStorage } from '../../core/contracts/subscription-storage.js';
import { documentCollection } from '../../subscriptions/documents/document-collection.js';
import { defineDocumentProjection } from '../../subscriptions/documents/document-projection.js';
import type { DocumentProjection } from '../../subscriptions/documents/document-projection.js';
import { startProjection } from '../../subscriptions/start-projection.js';
import type { DescribeFn, ItFn } from '../suite-options.js';

/** A store and a subscription storage with document collections, as the document suite opens them. */
export interface DocumentBackend {
  readonly store: EventStore;
  readonly storage: AnySubscriptionStorage;
  /** Closes the store (and the storage, when it needs it). */
  close(): Promise<void>;
}

/**
 * How {@link runDocumentStorageSuite} reaches the backend under test.
 *
 * @example
 * ```ts
 * const options: DocumentSuiteOptions = {
 *   describe, it,
 *   open: async () => {
 *     const store = new InMemoryEventStore();
 *     return { store, storage: new InMemorySubscriptionStorage(), close: () => store.close() };
 *   },
 * };
 * ```
 */
export interface DocumentSuiteOptions {
  /** The test runner's `describe`. */
  describe: DescribeFn;
  /** The test runner's `it`. */
  it: ItFn;
  /** A fresh, empty store and storage on every call. */
  open: () => Promise<DocumentBackend>;
  /**
   * Another store and storage on the same data, as another process would
   * open them (for the exactly-once case; storages with `atomicReadModels` only).
   */
  openPeer?: (first: DocumentBackend) => Promise<DocumentBackend>;
}

/** A cart as the suite's projection keeps it. */
export interface Cart {
  customerId: string;
  total: number;
  open: boolean;
  items: string[];
  meta?: { source: string; tags: readonly string[]; nested: { deep: number | null } };
  note?: string | undefined;
}

/** The suite's collection of carts, indexed on three fields. */
export const carts = documentCollection<Cart>()('suite_carts', {
  indexes: { customerId: 'string', total: 'number', open: 'boolean' },
});

/** The events of the suite's projection. */
export type CartEvent =
  | { type: 'Opened'; data: { customerId: string; meta?: Cart['meta'] } }
  | { type: 'Added'; data: { item: string; price: number } }
  | { type: 'Closed'; data: Record<string, never> }
  | { type: 'Removed'; data: Record<string, never> }
  | { type: 'Noted'; data: { note: string | null } }
  | { type: 'Counted'; data: Record<string, never> };

/**
 * The suite's projection: one cart per stream. `fail` picks events whose
 * handler throws after buffering a change (so a discarded buffer shows).
 */
export function cartProjection(
  name: string,
  fail: (streamId: string, version: number) => boolean = () => false,
): DocumentProjection {
  return defineDocumentProjection<CartEvent>()({
    name,
    collections: { carts },
    handlers: {
      Opened: async (e, { carts }) => {
        const doc: Cart = { customerId: e.data.customerId, total: 0, open: true, items: [] };
        await carts.insert(
          e.streamId,
          e.data.meta === undefined ? doc : { ...doc, meta: e.data.meta },
        );
      },
      Added: async (e, { carts }) => {
        const cart = await carts.get(e.streamId);
        if (cart === undefined) return;
        await carts.patch(e.streamId, {
          total: cart.total + e.data.price,
          items: [...cart.items, e.data.item],
        });
        if (fail(e.streamId, e.version)) throw new Error(`boom at ${e.streamId}@${e.version}`);
      },
      Closed: async (e, { carts }) => {
        const cart = await carts.get(e.streamId);
        if (cart !== undefined) await carts.replace(e.streamId, { ...cart, open: false });
      },
      Removed: async (e, { carts }) => {
        await carts.delete(e.streamId);
      },
      Noted: async (e, { carts }) => {
        await carts.patch(e.streamId, { note: e.data.note ?? undefined });
      },
      // Counts the carts of the batch so far (committed and buffered) into a cart of its own.
      Counted: async (e, { carts }) => {
        const open = await carts.find({ open: true });
        await carts.upsert(e.streamId, {
          customerId: 'counter',
          total: open.length,
          open: false,
          items: open.map((entry) => entry.id),
        });
      },
    },
  });
}

/** Starts `projection`, waits until it has handled `position`, and stops it. */
export async function project(
  backend: DocumentBackend,
  projection: DocumentProjection,
  position: Position,
  options: { batchSize?: number; onError?: () => void } = {},
): Promise<void> {
  const running = startProjection(backend.store, projection, {
    storage: backend.storage,
    batchSize: options.batchSize ?? 100,
    pollIntervalMs: 20,
    retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 2 },
    onError: options.onError ?? (() => undefined),
  });
  try {
    await running.waitForPosition(position, { timeoutMs: 20_000 });
  } finally {
    await running.stop();
  }
}
