/**
 * The scope cancellable operations (`CommandHandler.handle`, `waitForPosition`) run in: the caller's signal and timeout
 * as one signal, and nothing left behind once it is disposed.
 */
import { getEventListeners } from 'node:events';
import { setTimeout as wait } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { abortScope } from '../../src/core/abort.js';
import { InvalidOptionError } from '../../src/index.js';
import { thrownBy } from '../aggregates/instrumented-store.js';

/** The number of active timers that keep the process alive. */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

describe('abortScope', () => {
  it('without a signal or timeout has no signal', () => {
    const scope = abortScope({});
    expect(scope.signal).toBeUndefined();
    scope[Symbol.dispose]();
  });

  it('with only a signal passes it through', () => {
    const controller = new AbortController();
    const scope = abortScope({ signal: controller.signal });
    expect(scope.signal).toBe(controller.signal);
    scope[Symbol.dispose]();
    expect(controller.signal.aborted).toBe(false);
  });

  it('aborts with a TimeoutError after timeoutMs', async () => {
    const scope = abortScope({ timeoutMs: 20 });
    expect(scope.signal?.aborted).toBe(false);
    await wait(60);
    expect(scope.signal?.aborted).toBe(true);
    const reason = scope.signal?.reason as DOMException;
    expect(reason).toBeInstanceOf(DOMException);
    expect([reason.name, reason.message]).toEqual([
      'TimeoutError',
      'The operation was aborted due to timeout',
    ]);
    scope[Symbol.dispose]();
  });

  it('follows the caller’s signal with its reason, before the timeout', () => {
    const controller = new AbortController();
    const scope = abortScope({ signal: controller.signal, timeoutMs: 60_000 });
    const reason = new Error('stop');
    controller.abort(reason);
    expect(scope.signal?.aborted).toBe(true);
    expect(scope.signal?.reason).toBe(reason);
    scope[Symbol.dispose]();
  });

  it('is aborted at once by an already aborted signal', () => {
    const reason = new Error('too late');
    const scope = abortScope({ signal: AbortSignal.abort(reason), timeoutMs: 60_000 });
    expect(scope.signal?.reason).toBe(reason);
    scope[Symbol.dispose]();
  });

  it('disposed, clears its timer and leaves no listener on the caller’s signal', async () => {
    const controller = new AbortController();
    const before = activeTimers();
    const scopes = Array.from({ length: 20 }, () =>
      abortScope({ signal: controller.signal, timeoutMs: 60_000 }),
    );
    expect(activeTimers()).toBe(before + 20);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(20);
    for (const scope of scopes) scope[Symbol.dispose]();
    expect(activeTimers()).toBe(before);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // A disposed scope no longer follows the caller.
    controller.abort(new Error('later'));
    await wait(1);
    expect(scopes.map((scope) => scope.signal?.aborted)).toEqual(Array(20).fill(false));
  });

  it('after its timeout fires, leaves no listener on the caller’s signal either', async () => {
    const controller = new AbortController();
    const scope = abortScope({ signal: controller.signal, timeoutMs: 5 });
    await wait(40);
    expect(scope.signal?.aborted).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    scope[Symbol.dispose]();
  });

  it.each([
    ['timeoutMs', { timeoutMs: Number.NaN }, Number.NaN],
    ['timeoutMs', { timeoutMs: -1 }, -1],
    ['timeoutMs', { timeoutMs: 2.5 }, 2.5],
    ['timeoutMs', { timeoutMs: '100' }, '100'],
    ['signal', { signal: 'stop' }, 'stop'],
  ] as const)('rejects %s = %j with an InvalidOptionError', (option, options, value) => {
    const error = thrownBy(() => abortScope(options as never));
    expect(InvalidOptionError.is(error)).toBe(true);
    expect((error as InvalidOptionError).option).toBe(option);
    expect(Object.is((error as InvalidOptionError).value, value)).toBe(true);
  });
});
