import { expect, it } from 'vitest';
import type { RecordedEvent } from '../../../../src/index.js';
import { subscribe } from '../../../../src/subscriptions/index.js';
import { waitFor, within } from '../../../support/wait.js';
import type { CaseContext } from '../case-context.js';
import { appendMany, lastPosition, runWriters } from '../writers.js';

/** One instance per name across processes, lease takeover, and consumer groups. */
export function leaseCases<Tx>(ctx: CaseContext<Tx>): void {
  it('runs one instance per name: a second waits for the lease and takes over when the first stops', async () => {
    const { store, storage } = ctx.instance();
    const peer = await ctx.instance().openPeer();
    const lease = { ttlMs: 5_000, retryMs: 20 }; // long: the first must not lose it to a slow event loop
    const seenA: string[] = [];
    const seenB: string[] = [];
    const a = ctx.track(
      subscribe(store, {
        name: 'leased',
        storage,
        lease: { ...lease, holder: 'instance-a' },
        handler: (e) => void seenA.push(e.id),
      }),
    );
    await within(a.caughtUp, 'the first instance');
    const b = ctx.track(
      subscribe(peer.store, {
        name: 'leased',
        storage: peer.storage,
        lease: { ...lease, holder: 'instance-b' },
        handler: (e) => void seenB.push(e.id),
      }),
    );
    await waitFor(() => b.state === 'waiting-for-lease', 'the second to wait');
    const first = await appendMany(store, 'Task-1', 3);
    await within(a.waitForPosition(lastPosition(first)), 'the first instance to handle them');
    expect(seenB).toEqual([]);
    expect((await b.status()).lease?.holder).toBe('instance-a');
    await a.stop();
    const second = await appendMany(store, 'Task-1', 3);
    await within(b.waitForPosition(lastPosition(second)), 'the second instance to take over');
    const feed = await store.readAll().toArray();
    expect(seenA).toEqual(feed.slice(0, 3).map((e) => e.id));
    expect(seenB).toEqual(feed.slice(3).map((e) => e.id));
    await b.stop();
    await peer.close();
  });

  it('takes over the lease of a holder that died', async () => {
    const { store, storage } = ctx.instance();
    await appendMany(store, 'Task-1', 2);
    const die = await ctx.instance().ghostLease('ghosted', 300);
    const seen: number[] = [];
    const sub = ctx.track(
      subscribe(store, {
        name: 'ghosted',
        storage,
        lease: { ttlMs: 1_000, retryMs: 20 },
        handler: (e) => void seen.push(e.version),
      }),
    );
    await waitFor(() => sub.state === 'waiting-for-lease', 'the subscription to wait');
    expect(seen).toEqual([]);
    await die();
    await within(sub.caughtUp, 'the takeover');
    expect(seen).toEqual([1, 2]);
  });

  it('consumer-group members together see every event exactly once, each stream wholly within one member, in order', async () => {
    const { store, storage } = ctx.instance();
    const members = 3;
    const seen: RecordedEvent[][] = Array.from({ length: members }, () => []);
    const writing = runWriters(store, { writers: 3, appends: 25, streams: 24 });
    const subs = Array.from({ length: members }, (_, member) =>
      ctx.track(
        subscribe(store, {
          name: 'group',
          storage,
          group: { members, member },
          batchSize: 17,
          handler: (e) => void seen[member]?.push(e),
        }),
      ),
    );
    expect(subs.map((s) => s.name)).toEqual(['group[0/3]', 'group[1/3]', 'group[2/3]']);
    const writes = await writing;
    await within(
      Promise.all(subs.map((s) => s.waitForPosition(lastPosition(writes)))),
      'every member',
    );
    const feed = await store.readAll().toArray();
    const all = seen.flat();
    expect(all).toHaveLength(feed.length);
    expect(new Set(all.map((e) => e.id))).toEqual(new Set(feed.map((e) => e.id)));
    const owner = new Map<string, number>();
    seen.forEach((events, member) => {
      const versions = new Map<string, number>();
      for (const e of events) {
        expect(owner.get(e.streamId) ?? member).toBe(member);
        owner.set(e.streamId, member);
        expect(e.version).toBe((versions.get(e.streamId) ?? 0) + 1);
        versions.set(e.streamId, e.version);
      }
    });
    expect(seen.filter((events) => events.length > 0).length).toBeGreaterThan(1);
    const names = (await storage.checkpoints.list()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['group[0/3]', 'group[1/3]', 'group[2/3]']));
  });
}
