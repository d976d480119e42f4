import { expect, it } from 'vitest';
import { readSubscriptionStatuses, subscribe } from '../../../../src/subscriptions/index.js';
import { within } from '../../../support/wait.js';
import type { CaseContext } from '../case-context.js';
import { appendMany, lastPosition } from '../writers.js';

/** Status of an instance and the operator view. */
export function statusCases<Tx>(ctx: CaseContext<Tx>): void {
  it('reports checkpoint, lag, state and parked count, for an instance and for operators', async () => {
    const { store, storage } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 5);
    const sub = ctx.track(
      subscribe(store, {
        name: 'watched',
        storage,
        types: ['Created'],
        retry: { maxRetries: 0 },
        handler: (e) => {
          if (e.version === 2) throw new Error('nope');
        },
      }),
    );
    await within(sub.waitForPosition(lastPosition(results)), 'all events');
    const live = await sub.status();
    expect(live).toMatchObject({
      name: 'watched',
      state: 'live',
      checkpoint: results[4]?.position,
      lag: { events: 0, capped: false, ms: 0 },
      parked: 1,
      processed: 4,
    });
    expect(live.lease?.holder).toMatch(/./);
    await sub.stop();
    await appendMany(store, 'Task-2', 3);
    await appendMany(store, 'Task-2', 2, 'Renamed');
    const stopped = await sub.status();
    expect(stopped).toMatchObject({ state: 'stopped', lag: { events: 3, capped: false } });
    expect(stopped.lag.ms).toBeGreaterThanOrEqual(0);
    expect(stopped.lease).toBeUndefined();
    const statuses = await readSubscriptionStatuses(store, storage);
    expect(statuses.find((s) => s.name === 'watched')).toMatchObject({
      state: 'stopped',
      checkpoint: results[4]?.position,
      lag: { events: 5 }, // the operator view does not know the filter: an upper bound
      parked: 1,
    });
  });
}
