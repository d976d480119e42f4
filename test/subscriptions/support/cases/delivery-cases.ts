import { expect, it } from 'vitest';
import type { RecordedEvent } from '../../../../src/index.js';
import { subscribe } from '../../../../src/subscriptions/index.js';
import { sleep, within } from '../../../support/wait.js';
import { NO_POLL, type CaseContext } from '../case-context.js';
import { appendMany, lastPosition, runWriters } from '../writers.js';

/** Catch-up then live, wake-ups, filters, and where a subscription starts. */
export function deliveryCases<Tx>(ctx: CaseContext<Tx>): void {
  it('catches up in batches, signals caughtUp, then goes live with no gap and no duplicate while writers append', async () => {
    const { store, storage } = ctx.instance();
    await runWriters(store, { writers: 1, appends: 40 });
    const seen: RecordedEvent[] = [];
    const writing = runWriters(store, { writers: 3, appends: 25 });
    const sub = ctx.track(
      subscribe(store, {
        name: 'all',
        storage,
        batchSize: 25,
        pollIntervalMs: NO_POLL,
        handler: (e) => void seen.push(e),
      }),
    );
    await within(sub.caughtUp, 'caughtUp');
    const writes = await writing;
    await within(sub.waitForPosition(lastPosition(writes)), 'the writers’ events');
    // The last append comes after the writers: only the append signal can deliver it in time.
    const last = await store.append('Task-last', [{ type: 'Created', data: {} }]);
    await within(sub.waitForPosition(last.position), 'the live event');
    const feed = await store.readAll().toArray();
    expect(seen.map((e) => e.id)).toEqual(feed.map((e) => e.id));
    expect(sub.state).toBe('live');
  });

  it('is woken by appends within a long poll interval, one append at a time', async () => {
    const { store, storage } = ctx.instance();
    const seen: number[] = [];
    const sub = ctx.track(
      subscribe(store, {
        name: 'woken',
        storage,
        pollIntervalMs: NO_POLL,
        handler: (e) => void seen.push(e.version),
      }),
    );
    await within(sub.caughtUp, 'caughtUp on an empty store');
    for (let i = 1; i <= 3; i++) {
      await sleep(5); // let the subscription go back to waiting
      const { position } = await store.append('Task-1', [{ type: 'Created', data: { i } }]);
      await within(sub.waitForPosition(position), `live event ${i}`, 20_000);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it('filters by event type, by category, and by both', async () => {
    const { store, storage } = ctx.instance();
    const options = {
      writers: 2,
      appends: 15,
      categories: ['Task', 'Order'],
      types: ['Created', 'Renamed', 'Closed'],
    };
    await runWriters(store, options);
    const byType: RecordedEvent[] = [];
    const byCategory: RecordedEvent[] = [];
    const byBoth: RecordedEvent[] = [];
    const subs = [
      subscribe(store, {
        name: 'types',
        storage,
        types: ['Closed'],
        handler: (e) => void byType.push(e),
      }),
      subscribe(store, {
        name: 'categories',
        storage,
        categories: ['Order'],
        handler: (e) => void byCategory.push(e),
      }),
      subscribe(store, {
        name: 'both',
        storage,
        types: ['Closed', 'Renamed'],
        categories: ['Order'],
        handler: (e) => void byBoth.push(e),
      }),
    ].map((s) => ctx.track(s));
    await within(Promise.all(subs.map((s) => s.caughtUp)), 'caughtUp');
    await runWriters(store, options);
    const marker = await store.append('Order-marker', [{ type: 'Closed', data: {} }]);
    await within(Promise.all(subs.map((s) => s.waitForPosition(marker.position))), 'marker');
    const feed = await store.readAll().toArray();
    const ids = (events: readonly RecordedEvent[]) => events.map((e) => e.id);
    expect(ids(byType)).toEqual(ids(feed.filter((e) => e.type === 'Closed')));
    expect(ids(byCategory)).toEqual(ids(feed.filter((e) => e.streamId.startsWith('Order-'))));
    expect(ids(byBoth)).toEqual(
      ids(feed.filter((e) => e.type !== 'Created' && e.streamId.startsWith('Order-'))),
    );
    expect(byType.length).toBeGreaterThan(0);
  });

  it('starts from the end or after a position without a checkpoint, and resumes from its checkpoint', async () => {
    const { store, storage } = ctx.instance();
    const before = await appendMany(store, 'Task-1', 4);
    const seen: string[] = [];
    const tail = ctx.track(
      subscribe(store, {
        name: 'tail',
        storage,
        from: 'end',
        handler: (e) => void seen.push(e.position),
      }),
    );
    await within(tail.caughtUp, 'caughtUp');
    const after = await appendMany(store, 'Task-2', 3);
    await within(tail.waitForPosition(lastPosition(after)), 'new events');
    await tail.stop();
    const more = await appendMany(store, 'Task-3', 2);
    // The checkpoint wins over `from`.
    const again = ctx.track(
      subscribe(store, {
        name: 'tail',
        storage,
        from: 'end',
        handler: (e) => void seen.push(e.position),
      }),
    );
    await within(again.waitForPosition(lastPosition(more)), 'events after the restart');
    expect(seen).toEqual([...after, ...more].map((r) => r.position));

    const fromPosition: string[] = [];
    const middle = (before[1] ?? before[0])?.position;
    if (middle === undefined) throw new Error('no event');
    const sub = ctx.track(
      subscribe(store, {
        name: 'from-position',
        storage,
        from: middle,
        handler: (e) => void fromPosition.push(e.position),
      }),
    );
    await within(sub.waitForPosition(lastPosition(more)), 'from a position');
    expect(fromPosition).toEqual([...before.slice(2), ...after, ...more].map((r) => r.position));
  });
}
