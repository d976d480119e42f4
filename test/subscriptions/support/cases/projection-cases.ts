import { expect, it } from 'vitest';
import { resetProjection, startProjection } from '../../../../src/subscriptions/index.js';
import { waitFor, within } from '../../../support/wait.js';
import { NO_POLL, type CaseContext } from '../case-context.js';
import { expectedRows, lastPosition, runWriters } from '../writers.js';

/** Read models kept equal to the feed, rebuilds and resets, exactly-once where the storage has atomic read models. */
export function projectionCases<Tx>(ctx: CaseContext<Tx>): void {
  it('a projection keeps its read model equal to the feed, and rebuilds from the start while writers append', async () => {
    const { store, storage, readModel } = ctx.instance();
    await runWriters(store, { writers: 1, appends: 30 });
    const projection = await readModel.projection('main');
    const writing = runWriters(store, { writers: 3, appends: 30 });
    const running = ctx.track(
      startProjection(store, projection, { storage, batchSize: 20, pollIntervalMs: NO_POLL }),
    );
    await waitFor(() => running.processed > 30, 'some events projected');
    await running.rebuild();
    const writes = await writing;
    await within(running.waitForPosition(lastPosition(writes)), 'every event');
    const feed = await store.readAll().toArray();
    expect(await readModel.rows('main')).toEqual(expectedRows(feed));
    expect((await storage.checkpoints.load('main'))?.position).toBe(feed.at(-1)?.position);
  });

  it('a running projection starts over when another process resets it (resetProjection)', async () => {
    const { store, storage, readModel } = ctx.instance();
    const peer = await ctx.instance().openPeer();
    const writes = await runWriters(store, { writers: 2, appends: 20 });
    const projection = await readModel.projection('reset');
    const running = ctx.track(
      startProjection(store, projection, { storage, batchSize: 10, pollIntervalMs: 30 }),
    );
    await within(running.waitForPosition(lastPosition(writes)), 'every event');
    const expected = expectedRows(await store.readAll().toArray());
    expect(await readModel.rows('reset')).toEqual(expected);
    // The operator's reset, from elsewhere, while the projection is idle and live.
    await resetProjection(peer.storage, projection);
    expect((await storage.checkpoints.load('reset'))?.position).toBeNull();
    await waitFor(
      async () => (await storage.checkpoints.load('reset'))?.position === lastPosition(writes),
      'the projection to start over and catch up',
    );
    expect(await readModel.rows('reset')).toEqual(expected);
    await peer.close();
  });

  // Only storages with atomicReadModels (SQLite, PostgreSQL) promise this; the in-memory one is at-least-once.
  if (ctx.backend.capabilities.atomicReadModels)
    it('two instances of one projection without a lease still apply every event exactly once', async () => {
      const { store, storage, readModel } = ctx.instance();
      const peer = await ctx.instance().openPeer();
      const projection = await readModel.projection('zombies');
      const writing = runWriters(store, { writers: 3, appends: 25 });
      // The peer is another process's view: appends here do not wake it, so it polls often.
      const a = ctx.track(
        startProjection(store, projection, {
          storage,
          lease: false,
          batchSize: 7,
          pollIntervalMs: 50,
        }),
      );
      const b = ctx.track(
        startProjection(peer.store, projection, {
          storage: peer.storage,
          lease: false,
          batchSize: 5,
          pollIntervalMs: 50,
        }),
      );
      const writes = await writing;
      const last = lastPosition(writes);
      await within(Promise.all([a.waitForPosition(last), b.waitForPosition(last)]), 'both');
      const feed = await store.readAll().toArray();
      expect(await readModel.rows('zombies')).toEqual(expectedRows(feed));
      await b.stop();
      await peer.close();
    });
}
