import { getEventListeners } from 'node:events';
import { expect, it } from 'vitest';
import type { Position } from '../../../../src/index.js';
import {
  startProjection,
  subscribe,
  type Subscription,
} from '../../../../src/subscriptions/index.js';
import { within } from '../../../support/wait.js';
import type { CaseContext } from '../case-context.js';
import { appendMany, expectedRows, lastPosition } from '../writers.js';

/** Graceful stop, `await using`, abort signals and the storage capabilities. */
export function lifecycleCases<Tx>(ctx: CaseContext<Tx>): void {
  it('stops gracefully: finishes the event in hand, stores its checkpoint and releases the lease', async () => {
    const { store, storage } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 5);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = (): void => undefined;
    const inHand = new Promise<void>((resolve) => (entered = resolve));
    const seen: number[] = [];
    const sub = ctx.track(
      subscribe(store, {
        name: 'graceful',
        storage,
        handler: async (e) => {
          if (e.version === 3) {
            entered();
            await gate;
          }
          seen.push(e.version);
        },
      }),
    );
    await within(inHand, 'the third event in hand');
    const stopping = sub.stop();
    expect(sub.state).toBe('stopping');
    release();
    await within(stopping, 'the stop');
    expect(sub.state).toBe('stopped');
    expect(seen).toEqual([1, 2, 3]);
    expect((await storage.checkpoints.load('graceful'))?.position).toBe(results[2]?.position);
    expect(await storage.leases.holderOf('graceful')).toBeUndefined();

    const again = ctx.track(
      subscribe(store, { name: 'graceful', storage, handler: (e) => void seen.push(e.version) }),
    );
    await within(again.waitForPosition(lastPosition(results)), 'the rest');
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('await using stops a subscription at the end of its block and releases its lease', async () => {
    const { store, storage } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 3);
    const seen: number[] = [];
    let escaped: Subscription | undefined;
    {
      await using sub = subscribe(store, {
        name: 'scoped',
        storage,
        lease: { holder: 'scoped-holder' },
        handler: (e) => void seen.push(e.version),
      });
      escaped = sub;
      await within(sub.waitForPosition(lastPosition(results)), 'the events');
      expect(sub.state).toBe('live');
      expect((await storage.leases.holderOf('scoped'))?.holder).toBe('scoped-holder');
    }
    expect(escaped.state).toBe('stopped');
    await expect(escaped.finished).resolves.toBeUndefined();
    expect(await storage.leases.holderOf('scoped')).toBeUndefined();
    expect((await storage.checkpoints.load('scoped'))?.position).toBe(results[2]?.position);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('await using stops a projection too, after committing what it applied', async () => {
    const { store, storage, readModel } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 4);
    const projection = await readModel.projection('scoped_projection');
    let escaped: Subscription<Tx> | undefined;
    {
      await using running = startProjection(store, projection, { storage });
      escaped = running;
      await within(running.waitForPosition(lastPosition(results)), 'the events');
    }
    expect(escaped.state).toBe('stopped');
    expect(await storage.leases.holderOf('scoped_projection')).toBeUndefined();
    expect(await readModel.rows('scoped_projection')).toEqual(
      expectedRows(await store.readAll().toArray()),
    );
  });

  it('stops when its signal aborts, and leaves no listener on the signal', async () => {
    const { store, storage } = ctx.instance();
    const controller = new AbortController();
    const sub = ctx.track(
      subscribe(store, {
        name: 'aborted',
        storage,
        signal: controller.signal,
        handler: () => undefined,
      }),
    );
    await within(sub.caughtUp, 'caughtUp');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('shutting down'));
    await within(sub.finished, 'the stop');
    expect(sub.state).toBe('stopped');
    expect(await storage.leases.holderOf('aborted')).toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const never = subscribe(store, {
      name: 'aborted-before',
      storage,
      signal: controller.signal,
      handler: () => undefined,
    });
    await within(never.finished, 'the stop of one aborted from the start');
    expect(never.state).toBe('stopped');
    expect(await storage.checkpoints.load('aborted-before')).toBeUndefined();
  });

  it('gives up a waitForPosition on abort or timeout, rejecting with the reason, and keeps running', async () => {
    const { store, storage } = ctx.instance();
    const sub = ctx.track(
      subscribe(store, { name: 'waits', storage, types: ['Other'], handler: () => undefined }),
    );
    await within(sub.caughtUp, 'caughtUp');
    // A position past every event this test appends: its checkpoint never reaches it.
    const unreached = { position: '9'.repeat(20) as Position };
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    const aborted = sub.waitForPosition(unreached.position, { signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(
      sub.waitForPosition(unreached.position, { signal: controller.signal }),
    ).rejects.toBe(reason);
    const timedOut: unknown = await sub
      .waitForPosition(unreached.position, { timeoutMs: 20 })
      .catch((error: unknown) => error);
    expect(timedOut).toBeInstanceOf(DOMException);
    expect((timedOut as DOMException).name).toBe('TimeoutError');
    expect(sub.state).toBe('live');
    const matching = await store.append('Task-1', [{ type: 'Other', data: {} }]);
    await within(sub.waitForPosition(matching.position, { timeoutMs: 20_000 }), 'a matching event');
  });

  it('its storage declares the capabilities its store has', () => {
    const { store, storage } = ctx.instance();
    expect(storage.capabilities).toEqual(ctx.backend.capabilities);
    expect(storage.capabilities).toEqual({
      atomicReadModels: store.capabilities.atomicReadModels,
      synchronousTransactions: store.capabilities.synchronousTransactions,
    });
  });
}
