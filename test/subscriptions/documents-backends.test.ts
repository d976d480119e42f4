/**
 * One document projection, unchanged, on the three backends: started with
 * each store's default storage, read back with documentsOf, and tested with
 * expectDocuments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, type EventStore } from '../../src/index.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import {
  defineDocumentProjection,
  documentCollection,
  documentsOf,
  InMemorySubscriptionStorage,
  startProjection,
  type AnySubscriptionStorage,
} from '../../src/subscriptions/index.js';
import { expectDocuments } from '../../src/testing/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

type CartEvent =
  | { type: 'CartOpened'; data: { customerId: string } }
  | { type: 'ItemAdded'; data: { price: number } }
  | { type: 'CartAbandoned'; data: Record<string, never> };
interface Cart {
  customerId: string;
  total: number;
}
const carts = documentCollection<Cart>()('carts', {
  indexes: { customerId: 'string', total: 'number' },
});
const cartList = defineDocumentProjection<CartEvent>()({
  name: 'cart-list',
  collections: { carts },
  handlers: {
    CartOpened: async (e, { carts }) => {
      await carts.insert(e.streamId, { customerId: e.data.customerId, total: 0 });
    },
    ItemAdded: async (e, { carts }) => {
      const cart = await carts.get(e.streamId);
      if (cart) await carts.patch(e.streamId, { total: cart.total + e.data.price });
    },
    CartAbandoned: async (e, { carts }) => {
      await carts.delete(e.streamId);
    },
  },
});

const dir = createTempDir('eventfold-documents-');
afterAll(() => dir.remove());
const database = useTestDatabase('documents_backends');

interface Backend {
  readonly label: string;
  open(): Promise<{ store: EventStore; storage: AnySubscriptionStorage }>;
}
const backends: Backend[] = [
  {
    label: 'memory',
    open: () => {
      const store = new InMemoryEventStore();
      return Promise.resolve({ store, storage: new InMemorySubscriptionStorage() });
    },
  },
  {
    label: 'sqlite',
    open: () => {
      const store = new SqliteEventStore(dir.file());
      return Promise.resolve({ store, storage: new SqliteSubscriptionStorage(store) });
    },
  },
  {
    label: 'postgres',
    open: async () => {
      const store = await PostgresEventStore.connect({
        connectionString: database().url,
        schema: uniqueName('carts'),
      });
      return { store, storage: new PostgresSubscriptionStorage(store) };
    },
  },
];

describe.each(backends)('one document projection on $label', (backend) => {
  it('runs with the store’s default storage and is read back with documentsOf', async () => {
    const { store } = await backend.open();
    try {
      await store.append('Cart-1', [
        { type: 'CartOpened', data: { customerId: 'c1' } },
        { type: 'ItemAdded', data: { price: 12 } },
      ]);
      await store.append('Cart-2', [{ type: 'CartOpened', data: { customerId: 'c1' } }]);
      await store.append('Cart-3', [{ type: 'CartOpened', data: { customerId: 'c2' } }]);
      const last = await store.append('Cart-3', [{ type: 'CartAbandoned', data: {} }]);
      const running = startProjection(store, cartList);
      await running.waitForPosition(last.position, { timeoutMs: 20_000 });
      await running.stop();
      const reader = documentsOf(store).collection(carts);
      expect(
        await reader.find({ customerId: 'c1' }, { orderBy: 'total', direction: 'desc' }),
      ).toEqual([
        { id: 'Cart-1', doc: { customerId: 'c1', total: 12 } },
        { id: 'Cart-2', doc: { customerId: 'c1', total: 0 } },
      ]);
      expect(await reader.get('Cart-3')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('passes the same expectDocuments scenario', async () => {
    const { store, storage } = await backend.open();
    try {
      await expectDocuments(cartList, {
        store,
        storage,
        given: [
          { streamId: 'Cart-1', type: 'CartOpened', data: { customerId: 'c1' } },
          { streamId: 'Cart-1', type: 'ItemAdded', data: { price: 2.5 } },
          { streamId: 'Cart-2', type: 'CartOpened', data: { customerId: 'c2' } },
          { streamId: 'Cart-1', type: 'ItemAdded', data: { price: 4 } },
        ],
        then: {
          carts: {
            'Cart-1': { customerId: 'c1', total: 6.5 },
            'Cart-2': { customerId: 'c2', total: 0 },
          },
        },
      });
    } finally {
      if (storage instanceof PostgresSubscriptionStorage) await storage.close();
      await store.close();
    }
  });
});

describe('expectDocuments', () => {
  it('fails with the handler’s error, and on documents that differ', async () => {
    await expect(
      expectDocuments(cartList, {
        given: [
          { streamId: 'Cart-1', type: 'CartOpened', data: { customerId: 'c1' } },
          { streamId: 'Cart-1', type: 'CartOpened', data: { customerId: 'c1' } },
        ],
        then: {},
      }),
    ).rejects.toThrow(/already exists/);
    await expect(
      expectDocuments(cartList, {
        given: [{ streamId: 'Cart-1', type: 'CartOpened', data: { customerId: 'c1' } }],
        then: { carts: { 'Cart-1': { customerId: 'c1', total: 1 } } },
      }),
    ).rejects.toThrow(/documents of collection "carts"/);
  });
});
