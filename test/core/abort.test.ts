import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, abortScope, checkAbortOptions, sleep } from '../../src/core/abort.js';
import { rejection } from '../support/rejection.js';

/** The number of 'abort' listeners on `signal`. */
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

afterEach(() => {
  vi.useRealTimers();
});

describe('abortable', () => {
  it('returns the promise itself without a signal', () => {
    const promise = Promise.resolve(1);
    expect(abortable(promise, undefined)).toBe(promise);
  });

  it('resolves as the promise does and removes its listener', async () => {
    const controller = new AbortController();
    const onAbort = vi.fn();
    const result = abortable(Promise.resolve('value'), controller.signal, onAbort);
    expect(listeners(controller.signal)).toBe(1);
    await expect(result).resolves.toBe('value');
    expect(listeners(controller.signal)).toBe(0);
    controller.abort();
    expect(onAbort).not.toHaveBeenCalled();
  });

  it('rejects as the promise does and removes its listener', async () => {
    const controller = new AbortController();
    const failure = new Error('operation failed');
    const onAbort = vi.fn();
    expect(await rejection(abortable(Promise.reject(failure), controller.signal, onAbort))).toBe(
      failure,
    );
    expect(listeners(controller.signal)).toBe(0);
    expect(onAbort).not.toHaveBeenCalled();
  });

  it('rejects with the reason on abort, undoes the operation once, and swallows its later failure', async () => {
    const controller = new AbortController();
    const onAbort = vi.fn();
    let fail: (error: Error) => void = () => undefined;
    const operation = new Promise<string>((_, reject) => (fail = reject));
    const result = abortable(operation, controller.signal, onAbort);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await rejection(result)).toBe(reason);
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(listeners(controller.signal)).toBe(0);
    fail(new Error('late failure, after the abort'));
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('rejects at once for an already-aborted signal and undoes the operation', async () => {
    const reason = new Error('too late');
    const onAbort = vi.fn();
    const result = abortable(
      Promise.reject(new Error('ignored')),
      AbortSignal.abort(reason),
      onAbort,
    );
    expect(onAbort).toHaveBeenCalledTimes(1);
    expect(await rejection(result)).toBe(reason);
  });
});

describe('sleep', () => {
  it('resolves after the time, leaving no timer', async () => {
    vi.useFakeTimers();
    let done = false;
    const slept = sleep(1_000).then(() => (done = true));
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await slept;
    expect(done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the reason on abort and clears its timer', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('wake up');
    controller.abort(reason);
    expect(await rejection(slept)).toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('rejects at once for an already-aborted signal, leaving no timer', async () => {
    vi.useFakeTimers();
    const reason = new Error('never');
    const slept = sleep(60_000, AbortSignal.abort(reason));
    expect(vi.getTimerCount()).toBe(0);
    expect(await rejection(slept)).toBe(reason);
  });

  it('removes its abort listener when it wakes normally', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const slept = sleep(10, controller.signal);
    expect(listeners(controller.signal)).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    await slept;
    expect(listeners(controller.signal)).toBe(0);
  });
});

describe('checkAbortOptions', () => {
  it('accepts nothing, a signal and timeouts from 0 to 2^31 - 1', () => {
    expect(() => checkAbortOptions(undefined)).not.toThrow();
    expect(() =>
      checkAbortOptions({ signal: new AbortController().signal, timeoutMs: 0 }),
    ).not.toThrow();
    expect(() => checkAbortOptions({ timeoutMs: 2 ** 31 - 1 })).not.toThrow();
    expect(abortScope(undefined).signal).toBe(undefined);
  });

  it('refuses a bad signal or timeoutMs with an InvalidOptionError naming it', () => {
    for (const timeoutMs of [1.5, -1, Number.NaN, 2 ** 31, '5']) {
      expect(() => checkAbortOptions({ timeoutMs })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', option: 'timeoutMs', value: timeoutMs }),
      );
    }
    expect(() => checkAbortOptions({ signal: {} })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'signal' }),
    );
    expect(() => checkAbortOptions(42)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION', option: 'options' }),
    );
  });
});
