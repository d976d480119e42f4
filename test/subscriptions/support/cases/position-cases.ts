import { expect, it } from 'vitest';
import type { Position } from '../../../../src/index.js';
import { groupMemberOf, startProjection, subscribe } from '../../../../src/subscriptions/index.js';
import { waitFor, within } from '../../../support/wait.js';
import { NO_POLL, type CaseContext } from '../case-context.js';
import { appendMany, lastPosition } from '../writers.js';

/** `waitForPosition` past filtered-out events and during the lease wait; what the lease wait shows. */
export function positionCases<Tx>(ctx: CaseContext<Tx>): void {
  it('waitForPosition resolves for positions its filters leave out: the checkpoint moves past them', async () => {
    const { store, storage, readModel } = ctx.instance();
    const members = 2;
    // A stream of member 1, so member 0 filters all of its events out.
    const other = Array.from({ length: 64 }, (_, i) => `Task-${i}`).find(
      (id) => groupMemberOf(id, members) === 1,
    );
    if (other === undefined) throw new Error('no stream of member 1');
    const projection = await readModel.projection('closed-only', { types: ['Closed'] });
    const subs = [
      subscribe(store, { name: 'types', storage, types: ['Closed'], handler: () => undefined }),
      subscribe(store, {
        name: 'categories',
        storage,
        categories: ['Order'],
        handler: () => undefined,
      }),
      subscribe(store, {
        name: 'group',
        storage,
        group: { members, member: 0 },
        handler: () => undefined,
      }),
      startProjection(store, projection, { storage }),
    ].map((sub) => ctx.track(sub));
    for (const sub of subs) await within(sub.caughtUp, `${sub.name} on an empty store`);
    // Only events none of them handles: before, the checkpoints never moved and the waits hung.
    const appended = await appendMany(store, other, 3);
    const position = lastPosition(appended);
    await within(
      Promise.all(subs.map((sub) => sub.waitForPosition(position))),
      'the filtered-out positions',
    );
    for (const sub of subs) {
      const stored = (await storage.checkpoints.load(sub.name))?.position;
      expect(stored !== undefined && stored !== null && stored >= position).toBe(true);
      expect((await sub.status()).lag.events).toBe(0);
    }
  });

  it('waitForPosition resolves while the instance waits for the lease, once the holder’s stored checkpoint passes it', async () => {
    const { store, storage } = ctx.instance();
    const peer = await ctx.instance().openPeer();
    const lease = { ttlMs: 5_000, retryMs: 20 };
    const holder = ctx.track(
      subscribe(store, {
        name: 'leased',
        storage,
        pollIntervalMs: NO_POLL,
        lease: { ...lease, holder: 'holder' },
        handler: () => undefined,
      }),
    );
    await within(holder.caughtUp, 'the holder');
    const waiting = ctx.track(
      subscribe(peer.store, {
        name: 'leased',
        storage: peer.storage,
        lease: { ...lease, holder: 'waiter' },
        handler: () => undefined,
      }),
    );
    await waitFor(() => waiting.state === 'waiting-for-lease', 'the second instance to wait');
    const appended = await appendMany(store, 'Task-1', 3);
    await within(
      waiting.waitForPosition(lastPosition(appended)),
      'the wait on the stored checkpoint',
    );
    expect(waiting.state).toBe('waiting-for-lease');
    expect(waiting.processed).toBe(0);
    // Already passed: resolves at once.
    await within(waiting.waitForPosition(appended[0]?.position as Position), 'a passed position');
    await waiting.stop();
    await holder.stop();
    await peer.close();
  });

  it('shows the lease wait in status(): the holder, and when its lease expires where leases expire', async () => {
    const { store, storage } = ctx.instance();
    const die = await ctx.instance().ghostLease('blocked', 60_000);
    const sub = ctx.track(
      subscribe(store, {
        name: 'blocked',
        storage,
        lease: { ttlMs: 1_000, retryMs: 20 },
        handler: () => undefined,
      }),
    );
    await waitFor(() => sub.state === 'waiting-for-lease', 'the lease wait');
    const status = await sub.status();
    expect(status.state).toBe('waiting-for-lease');
    expect(status.lease?.holder).toBe('ghost');
    if (ctx.backend.leasesExpire) {
      const expiresAt = status.lease?.expiresAt?.getTime() ?? 0;
      expect(expiresAt).toBeGreaterThan(Date.now() + 50_000);
    } else {
      expect(status.lease?.expiresAt).toBeUndefined(); // freed when its connection ends
    }
    await die();
  });

  if (ctx.backend.leasesExpire) {
    it('takes over at once a lease whose stored holder has its own explicit holder name (a restart)', async () => {
      const { store, storage } = ctx.instance();
      await appendMany(store, 'Task-1', 2);
      // The previous run of 'worker-1' died holding a long lease.
      await ctx.instance().ghostLease('restarted', 60_000, 'worker-1');
      const seen: number[] = [];
      const sub = ctx.track(
        subscribe(store, {
          name: 'restarted',
          storage,
          lease: { holder: 'worker-1' },
          handler: (e) => void seen.push(e.version),
        }),
      );
      await within(sub.caughtUp, 'the takeover', 5_000);
      expect(seen).toEqual([1, 2]);
      expect((await sub.status()).lease?.holder).toBe('worker-1');
    });
  }
}
