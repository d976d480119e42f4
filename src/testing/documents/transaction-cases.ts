import assert from 'node:assert/strict';
import { DocumentExistsError } from '../../core/contracts/document-errors.js';
import { documentsOf } from '../../subscriptions/documents/documents-of.js';
import { resetProjection } from '../../subscriptions/reset-projection.js';
import { startProjection } from '../../subscriptions/start-projection.js';
import { withBackend } from './crud-cases.js';
import { cartProjection, carts, project, type DocumentSuiteOptions } from './fixtures.js';

/** Batches, failures mid-batch, resets and racing instances. */
export function transactionCases(options: DocumentSuiteOptions): void {
  const { it } = options;

  it('a handler failing mid-batch: the events before it commit with their documents, it is parked, nothing of it is written', () =>
    withBackend(options, async (backend) => {
      const { store, storage } = backend;
      await store.append('Cart-1', [
        { type: 'Opened', data: { customerId: 'c1' } },
        { type: 'Added', data: { item: 'a', price: 1 } },
      ]);
      await store.append('Cart-2', [
        { type: 'Opened', data: { customerId: 'c2' } },
        { type: 'Added', data: { item: 'b', price: 2 } }, // fails
        { type: 'Added', data: { item: 'c', price: 3 } },
      ]);
      // Inserting twice: a DocumentExistsError, parked like any handler failure.
      const last = await store.append('Cart-1', [
        { type: 'Opened', data: { customerId: 'again' } },
      ]);
      const projection = cartProjection(
        'failing',
        (id, version) => id === 'Cart-2' && version === 2,
      );
      await project(backend, projection, last.position, { batchSize: 10 });
      const reader = documentsOf(storage).collection(carts);
      assert.deepEqual(await reader.get('Cart-1'), {
        customerId: 'c1',
        total: 1,
        open: true,
        items: ['a'],
      });
      assert.deepEqual(await reader.get('Cart-2'), {
        customerId: 'c2',
        total: 3,
        open: true,
        items: ['c'],
      });
      const parked = await storage.deadLetters.list('failing');
      assert.deepEqual(
        parked.map((letter) => `${letter.streamId}@${letter.version}`),
        ['Cart-2@2', 'Cart-1@3'],
      );
      assert.equal((await storage.checkpoints.load('failing'))?.position, last.position);
      assert.equal(parked[1]?.error.name, DocumentExistsError.name);
      assert.match(parked[1]?.error.message ?? '', /already exists/);
    }));

  it('a wrongly typed indexed field fails the event (parked), and the other documents stay', () =>
    withBackend(options, async (backend) => {
      const { store, storage } = backend;
      await store.append('Cart-1', [{ type: 'Opened', data: { customerId: 'c1' } }]);
      const last = await store.append('Cart-2', [{ type: 'Opened', data: { customerId: 42 } }]);
      await project(backend, cartProjection('typed'), last.position);
      const reader = documentsOf(storage).collection(carts);
      assert.equal((await reader.get('Cart-1'))?.customerId, 'c1');
      assert.equal(await reader.get('Cart-2'), undefined);
      const parked = await storage.deadLetters.list('typed');
      assert.match(parked[0]?.error.message ?? '', /customerId/);
    }));

  it('a rebuild and resetProjection clear the collections, and the projection fills them again', () =>
    withBackend(options, async (backend) => {
      const { store, storage } = backend;
      const written = await store.append('Cart-1', [
        { type: 'Opened', data: { customerId: 'c1' } },
        { type: 'Added', data: { item: 'a', price: 4 } },
      ]);
      const projection = cartProjection('rebuilt');
      await project(backend, projection, written.position);
      const reader = documentsOf(storage).collection(carts);
      assert.equal((await reader.get('Cart-1'))?.total, 4);
      await resetProjection(storage, projection);
      assert.equal(await reader.get('Cart-1'), undefined);
      assert.equal((await storage.checkpoints.load('rebuilt'))?.position, null);
      await project(backend, projection, written.position);
      assert.equal((await reader.get('Cart-1'))?.total, 4);
      const running = startProjection(store, projection, { storage, pollIntervalMs: 20 });
      try {
        await running.waitForPosition(written.position, { timeoutMs: 20_000 });
        await running.rebuild();
        await running.waitForPosition(written.position, { timeoutMs: 20_000 });
      } finally {
        await running.stop();
      }
      assert.deepEqual(await reader.get('Cart-1'), {
        customerId: 'c1',
        total: 4,
        open: true,
        items: ['a'],
      });
    }));

  it('two instances without a lease apply every event exactly once (storages with atomicReadModels)', async () => {
    const open = options.openPeer;
    await withBackend(options, async (backend) => {
      if (open === undefined || !backend.storage.capabilities.atomicReadModels) return;
      const peer = await open(backend);
      const projection = cartProjection('racing');
      const settings = { lease: false, pollIntervalMs: 10, onError: () => undefined } as const;
      const a = startProjection(backend.store, projection, {
        ...settings,
        storage: backend.storage,
        batchSize: 3,
      });
      const b = startProjection(peer.store, projection, {
        ...settings,
        storage: peer.storage,
        batchSize: 2,
      });
      try {
        let last = (
          await backend.store.append('Cart-0', [{ type: 'Opened', data: { customerId: 'c' } }])
        ).position;
        for (let i = 0; i < 40; i++) {
          last = (
            await backend.store.append('Cart-0', [
              { type: 'Added', data: { item: `i${i}`, price: 1 } },
            ])
          ).position;
        }
        await Promise.all([
          a.waitForPosition(last, { timeoutMs: 30_000 }),
          b.waitForPosition(last, { timeoutMs: 30_000 }),
        ]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
        await peer.close();
      }
      const cart = await documentsOf(backend.storage).collection(carts).get('Cart-0');
      assert.equal(cart?.total, 40);
      assert.deepEqual(
        cart?.items,
        Array.from({ length: 40 }, (_, i) => `i${i}`),
      );
    });
  });
}
