import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, abortSignalOf, anySignal, sleep } from '../../src/core/abort.js';
import { ValidationError } from '../../src/core/errors.js';

/** The number of 'abort' listeners on `signal`. */
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** What `promise` rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

afterEach(() => {
  vi.useRealTimers();
});

describe('abortSignalOf', () => {
  it('is undefined without a signal or timeout', () => {
    expect(abortSignalOf(undefined)).toBe(undefined);
    expect(abortSignalOf({})).toBe(undefined);
    expect(abortSignalOf({ signal: undefined, timeoutMs: undefined })).toBe(undefined);
  });

  it('returns the signal itself when there is no timeout', () => {
    const controller = new AbortController();
    expect(abortSignalOf({ signal: controller.signal })).toBe(controller.signal);
  });

  it('aborts with a TimeoutError after timeoutMs', async () => {
    const signal = abortSignalOf({ timeoutMs: 20 });
    expect(signal?.aborted).toBe(false);
    if (signal === undefined) throw new Error('expected a signal');
    await aborted(signal);
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('aborts with the signal reason when the signal comes before the timeout', async () => {
    const controller = new AbortController();
    const signal = abortSignalOf({ signal: controller.signal, timeoutMs: 60_000 });
    if (signal === undefined) throw new Error('expected a signal');
    expect(signal).not.toBe(controller.signal);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await Promise.resolve();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('aborts with a TimeoutError when the timeout comes before the signal', async () => {
    const controller = new AbortController();
    const signal = abortSignalOf({ signal: controller.signal, timeoutMs: 10 });
    if (signal === undefined) throw new Error('expected a signal');
    await aborted(signal);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect(controller.signal.aborted).toBe(false);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('is aborted at once for an already-aborted signal', () => {
    const reason = new Error('before');
    const signal = abortSignalOf({ signal: AbortSignal.abort(reason), timeoutMs: 1_000 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(reason);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '10', null])(
    'rejects timeoutMs %s with a ValidationError',
    (timeoutMs) => {
      let caught: unknown;
      try {
        abortSignalOf({ timeoutMs: timeoutMs as number });
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.is(caught)).toBe(true);
      expect((caught as ValidationError).code).toBe('VALIDATION');
      expect((caught as ValidationError).message).toBe(
        `Invalid timeoutMs=${String(timeoutMs)}: expected a non-negative integer of milliseconds`,
      );
    },
  );

  it('accepts timeoutMs 0 and 2^31 - 1', async () => {
    const now = abortSignalOf({ timeoutMs: 0 });
    if (now === undefined) throw new Error('expected a signal');
    await aborted(now);
    expect((now.reason as DOMException).name).toBe('TimeoutError');
    expect(abortSignalOf({ timeoutMs: 2 ** 31 - 1 })?.aborted).toBe(false);
  });

  it('rejects a signal that is not an AbortSignal', () => {
    expect(() => abortSignalOf({ signal: { aborted: false } as AbortSignal })).toThrow(
      new ValidationError('Invalid signal: expected an AbortSignal, got object'),
    );
  });
});

describe('anySignal', () => {
  it('aborts with the reason of the first signal that aborts, and stops listening to the rest', () => {
    const a = new AbortController();
    const b = new AbortController();
    const c = new AbortController();
    const any = anySignal([a.signal, b.signal, c.signal]);
    expect(any.aborted).toBe(false);
    expect([listeners(a.signal), listeners(b.signal), listeners(c.signal)]).toEqual([1, 1, 1]);
    const reason = new Error('b first');
    b.abort(reason);
    expect(any.aborted).toBe(true);
    expect(any.reason).toBe(reason);
    expect([listeners(a.signal), listeners(b.signal), listeners(c.signal)]).toEqual([0, 0, 0]);
    a.abort(new Error('a later'));
    expect(any.reason).toBe(reason);
  });

  it('is aborted at once when one signal already is, leaving no listener behind', () => {
    const a = new AbortController();
    const reason = new Error('already');
    const c = new AbortController();
    const any = anySignal([a.signal, AbortSignal.abort(reason), c.signal]);
    expect(any.aborted).toBe(true);
    expect(any.reason).toBe(reason);
    expect(listeners(a.signal)).toBe(0);
    expect(listeners(c.signal)).toBe(0);
  });

  it('never aborts for no signals', () => {
    expect(anySignal([]).aborted).toBe(false);
  });
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
