/**
 * The abort paths of waiting for a position: an aborted or timed-out wait
 * rejects with the reason and leaves nothing running (no waiter, no timer,
 * no listener on the caller's signal).
 */
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sequencePosition } from '../../src/core/position.js';
import { PositionWaiters } from '../../src/subscriptions/position-waiters.js';

const P = sequencePosition;

/** The outcome of `promise` once it settles: its value, or what it rejected with. */
function settled<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

describe('PositionWaiters', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves the waiters a checkpoint reaches, and only those', async () => {
    const waiters = new PositionWaiters();
    const low = waiters.add(P(2));
    const high = settled(waiters.add(P(9)));
    waiters.settle(null);
    expect(waiters.size).toBe(2);
    waiters.settle(P(5));
    await expect(low).resolves.toBeUndefined();
    expect(waiters.size).toBe(1);
    waiters.fail(new Error('stopped'));
    expect(await high).toEqual({ error: new Error('stopped') });
    expect(waiters.size).toBe(0);
  });

  it('rejects with the signal’s reason on abort, and leaves no waiter, timer or listener', async () => {
    const waiters = new PositionWaiters();
    const controller = new AbortController();
    const reason = new Error('gave up');
    const waiting = settled(waiters.add(P(3), { signal: controller.signal, timeoutMs: 60_000 }));
    expect(waiters.size).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(reason);
    expect(await waiting).toEqual({ error: reason });
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    waiters.settle(P(3)); // a late checkpoint finds nobody
    expect(waiters.size).toBe(0);
  });

  it('rejects with a TimeoutError after timeoutMs, and leaves no waiter, timer or listener', async () => {
    const waiters = new PositionWaiters();
    const controller = new AbortController();
    const waiting = settled(waiters.add(P(3), { signal: controller.signal, timeoutMs: 250 }));
    vi.advanceTimersByTime(249);
    expect(waiters.size).toBe(1);
    vi.advanceTimersByTime(1);
    const outcome = await waiting;
    expect('error' in outcome && outcome.error).toBeInstanceOf(DOMException);
    expect('error' in outcome && (outcome.error as DOMException).name).toBe('TimeoutError');
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('clears its timer and listener when the position is reached first', async () => {
    const waiters = new PositionWaiters();
    const controller = new AbortController();
    const waiting = waiters.add(P(3), { signal: controller.signal, timeoutMs: 60_000 });
    waiters.settle(P(4));
    await expect(waiting).resolves.toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(waiters.size).toBe(0);
  });

  it('rejects at once, registering nothing, for a signal that has already aborted', async () => {
    const waiters = new PositionWaiters();
    const reason = new Error('already');
    expect(await settled(waiters.add(P(3), { signal: AbortSignal.abort(reason) }))).toEqual({
      error: reason,
    });
    expect(
      await settled(waiters.add(P(3), { signal: AbortSignal.abort(reason), timeoutMs: 5 })),
    ).toEqual({
      error: reason,
    });
    expect(waiters.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with only a signal, removes its listener once the wait is over', async () => {
    const waiters = new PositionWaiters();
    const controller = new AbortController();
    const waiting = waiters.add(P(1), { signal: controller.signal });
    expect(vi.getTimerCount()).toBe(0);
    waiters.settle(P(1));
    await waiting;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
