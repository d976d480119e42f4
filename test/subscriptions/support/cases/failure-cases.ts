import { expect, it } from 'vitest';
import {
  HandlerFailedError,
  startProjection,
  subscribe,
  type SubscriptionErrorInfo,
} from '../../../../src/subscriptions/index.js';
import { within } from '../../../support/wait.js';
import { failing, FAST_RETRY, type CaseContext } from '../case-context.js';
import { appendMany, lastPosition } from '../writers.js';

/** Retries, parking, replays, and stopping on a failing handler. */
export function failureCases<Tx>(ctx: CaseContext<Tx>): void {
  it('retries a throwing handler with backoff, parks the event after the last try, moves on, and replays parked events', async () => {
    const { store, storage } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 6);
    let broken = true;
    let flaky = 2;
    const seen: number[] = [];
    const failures: SubscriptionErrorInfo[] = [];
    const sub = ctx.track(
      subscribe(store, {
        name: 'retry',
        storage,
        retry: FAST_RETRY,
        onError: (_error, info) => void failures.push(info),
        handler: (e) => {
          if (e.version === 3 && broken) throw new Error('boom');
          if (e.version === 5 && flaky-- > 0) throw new Error('flaky');
          seen.push(e.version);
        },
      }),
    );
    await within(sub.waitForPosition(lastPosition(results)), 'all events');
    expect(seen).toEqual([1, 2, 4, 5, 6]);
    expect(failures.map((f) => [f.event?.version, f.attempt])).toEqual([
      [3, 1],
      [3, 2],
      [3, 3],
      [5, 1],
      [5, 2],
    ]);
    const [letter, ...others] = await storage.deadLetters.list('retry');
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      subscription: 'retry',
      streamId: 'Task-1',
      version: 3,
      attempts: 3,
      error: { name: 'Error', message: 'boom' },
    });
    expect((await sub.status()).parked).toBe(1);

    expect(await sub.replayParked()).toEqual({ replayed: 0, failed: 1 });
    expect((await storage.deadLetters.list('retry'))[0]?.attempts).toBe(4);
    broken = false;
    expect(await sub.replayParked()).toEqual({ replayed: 1, failed: 0 });
    expect(seen).toEqual([1, 2, 4, 5, 6, 3]);
    expect(await storage.deadLetters.count('retry')).toBe(0);
  });

  it('a projection commits the events before a failing one, parks it with the checkpoint, and replays it in a transaction', async () => {
    const { store, storage, readModel } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 20);
    let broken = true;
    const projection = failing(
      await readModel.projection('parking'),
      (e) => broken && e.version === 7,
    );
    const running = ctx.track(
      startProjection(store, projection, { storage, batchSize: 100, retry: FAST_RETRY }),
    );
    await within(running.waitForPosition(lastPosition(results)), 'all events');
    expect((await readModel.rows('parking')).get('Task-1')).toEqual({ version: 20, count: 19 });
    expect((await storage.deadLetters.list('parking')).map((l) => l.version)).toEqual([7]);
    broken = false;
    expect(await running.replayParked()).toEqual({ replayed: 1, failed: 0 });
    expect((await readModel.rows('parking')).get('Task-1')).toEqual({ version: 7, count: 20 });
    expect(await storage.deadLetters.count('parking')).toBe(0);
  });

  it("stops with onFailure: 'stop', keeping the checkpoint just before the failing event", async () => {
    const { store, storage } = ctx.instance();
    const results = await appendMany(store, 'Task-1', 4);
    const sub = ctx.track(
      subscribe(store, {
        name: 'stopper',
        storage,
        onFailure: 'stop',
        retry: { maxRetries: 1, initialDelayMs: 1 },
        handler: (e) => {
          if (e.version === 3) throw new Error('fatal');
        },
      }),
    );
    const failure: unknown = await sub.finished.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(HandlerFailedError.is(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'HANDLER_FAILED', attempts: 2 });
    expect(sub.state).toBe('failed');
    await expect(sub.caughtUp).rejects.toBe(failure);
    expect((await storage.checkpoints.load('stopper'))?.position).toBe(results[1]?.position);
    expect(await storage.deadLetters.count('stopper')).toBe(0);

    const seen: number[] = [];
    const fixed = ctx.track(
      subscribe(store, { name: 'stopper', storage, handler: (e) => void seen.push(e.version) }),
    );
    await within(fixed.waitForPosition(lastPosition(results)), 'the rest');
    expect(seen).toEqual([3, 4]);
  });
}
