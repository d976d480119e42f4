import assert from 'node:assert/strict';
import { ValidationError } from '../../core/errors.js';
import { documentsOf } from '../../subscriptions/documents/documents-of.js';
import {
  cartProjection,
  carts,
  project,
  type DocumentBackend,
  type DocumentSuiteOptions,
} from './fixtures.js';

/** Runs `body` with a fresh backend, closed after. */
export async function withBackend(
  options: DocumentSuiteOptions,
  body: (backend: DocumentBackend) => Promise<void>,
): Promise<void> {
  const backend = await options.open();
  try {
    await body(backend);
  } finally {
    await backend.close();
  }
}

/** CRUD, finds, JSON round trips and bad input. */
export function crudCases(options: DocumentSuiteOptions): void {
  const { it } = options;

  it('insert, patch, replace, delete and upsert through a projection; get reads them back', () =>
    withBackend(options, async (backend) => {
      const { store } = backend;
      await store.append('Cart-1', [
        { type: 'Opened', data: { customerId: 'c1' } },
        { type: 'Added', data: { item: 'book', price: 12.5 } },
        { type: 'Added', data: { item: 'pen', price: 2 } },
        { type: 'Closed', data: {} },
      ]);
      await store.append('Cart-2', [{ type: 'Opened', data: { customerId: 'c2' } }]);
      await store.append('Cart-3', [
        { type: 'Opened', data: { customerId: 'c3' } },
        { type: 'Removed', data: {} },
      ]);
      const last = await store.append('Counter-1', [{ type: 'Counted', data: {} }]);
      await project(backend, cartProjection('crud'), last.position, { batchSize: 3 });
      const reader = documentsOf(backend.storage).collection(carts);
      assert.deepEqual(await reader.get('Cart-1'), {
        customerId: 'c1',
        total: 14.5,
        open: false,
        items: ['book', 'pen'],
      });
      assert.deepEqual(await reader.get('Cart-2'), {
        customerId: 'c2',
        total: 0,
        open: true,
        items: [],
      });
      assert.equal(await reader.get('Cart-3'), undefined);
      assert.deepEqual(await reader.get('Counter-1'), {
        customerId: 'counter',
        total: 1,
        open: false,
        items: ['Cart-2'],
      });
    }));

  it('numbers, booleans, null, unicode and nested objects round-trip; a patch to undefined removes the field', () =>
    withBackend(options, async (backend) => {
      const meta = { source: 'wéb 🚀 \\u0000 "quoted"', tags: ['a', 'b'], nested: { deep: null } };
      await backend.store.append('Cart-1', [
        { type: 'Opened', data: { customerId: 'c1', meta } },
        { type: 'Added', data: { item: 'x', price: 0.1 } },
        { type: 'Added', data: { item: 'y', price: 0.2 } },
        { type: 'Noted', data: { note: 'hello' } },
      ]);
      const noted = await backend.store.append('Cart-2', [
        {
          type: 'Opened',
          data: { customerId: 'c2', meta: { source: 's', tags: [], nested: { deep: -1.5e300 } } },
        },
        { type: 'Noted', data: { note: 'x' } },
        { type: 'Noted', data: { note: null } },
      ]);
      await project(backend, cartProjection('json'), noted.position);
      const reader = documentsOf(backend.storage).collection(carts);
      const one = await reader.get('Cart-1');
      assert.deepEqual(one, {
        customerId: 'c1',
        total: 0.1 + 0.2,
        open: true,
        items: ['x', 'y'],
        meta,
        note: 'hello',
      });
      assert.equal(typeof one?.total, 'number');
      assert.equal(one?.open, true);
      const two = await reader.get('Cart-2');
      assert.equal(two?.meta?.nested.deep, -1.5e300);
      assert.equal(two !== undefined && 'note' in two, false);
    }));

  it('find filters by equality, ranges and in, orders by an indexed field then id, and limits', () =>
    withBackend(options, async (backend) => {
      const { store } = backend;
      const prices: Record<string, number[]> = { A: [5, 5], B: [30], C: [], D: [7, 3], E: [9] };
      let position = (
        await store.append('Zero-1', [{ type: 'Opened', data: { customerId: 'other' } }])
      ).position;
      for (const [key, list] of Object.entries(prices)) {
        const added = list.map((price) => ({ type: 'Added', data: { item: key, price } }));
        const done = await store.append(`Cart-${key}`, [
          { type: 'Opened', data: { customerId: key < 'D' ? 'c1' : 'c2' } },
          ...added,
          ...(key === 'E' ? [{ type: 'Closed', data: {} }] : []),
        ]);
        position = done.position;
      }
      await project(backend, cartProjection('find'), position, { batchSize: 4 });
      const reader = documentsOf(backend.storage).collection(carts);
      const ids = async (...args: Parameters<typeof reader.find>) =>
        (await reader.find(...args)).map((entry) => entry.id);
      assert.deepEqual(await ids({ customerId: 'c1' }), ['Cart-A', 'Cart-B', 'Cart-C']);
      assert.deepEqual(await ids({ customerId: 'c1', total: { gte: 10 } }), ['Cart-A', 'Cart-B']);
      assert.deepEqual(await ids({ total: { gt: 0, lt: 10.5 } }, { orderBy: 'total' }), [
        'Cart-E',
        'Cart-A',
        'Cart-D',
      ]);
      assert.deepEqual(
        await ids({ total: { lte: 10 } }, { orderBy: 'total', direction: 'desc', limit: 3 }),
        ['Cart-D', 'Cart-A', 'Cart-E'],
      );
      assert.deepEqual(await ids({ customerId: { in: ['c2', 'other'] }, open: true }), [
        'Cart-D',
        'Zero-1',
      ]);
      assert.deepEqual(await ids({ open: false }), ['Cart-E']);
      assert.deepEqual(await ids({}, { orderBy: 'customerId', direction: 'desc', limit: 2 }), [
        'Zero-1',
        'Cart-E',
      ]);
      assert.deepEqual(await ids({ customerId: 'nobody' }), []);
      const found = await reader.find({ customerId: 'c2', total: 10 });
      assert.deepEqual(found, [
        { id: 'Cart-D', doc: { customerId: 'c2', total: 10, open: true, items: ['D', 'D'] } },
      ]);
    }));

  it('refuses bad finds: undeclared fields, wrong value types, bad limits, bad ids', () =>
    withBackend(options, async (backend) => {
      const reader = documentsOf(backend.storage).collection(carts);
      const bad = [
        () => reader.find({ items: 'x' } as never),
        () => reader.find({ total: 'ten' } as never),
        () => reader.find({ total: Number.NaN }),
        () => reader.find({ total: { between: 1 } } as never),
        () => reader.find({ total: { in: [] } }),
        () => reader.find({}, { limit: 0 }),
        () => reader.find({}, { orderBy: 'items' } as never),
        () => reader.get(''),
        () => reader.get('x'.repeat(256)),
      ];
      for (const attempt of bad) {
        await assert.rejects(attempt(), (error: unknown) => ValidationError.is(error));
      }
    }));
}
