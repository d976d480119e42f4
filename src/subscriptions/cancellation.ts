import type { AbortOptions } from '../core/abort.js';
import { InvalidOptionError } from '../core/errors.js';
import { checkOption } from '../core/options.js';

/** The signal of a cancellable wait, and how to let go of what it needs (internal). */
export interface Cancellation {
  /** Aborts with the caller's reason, or with a `TimeoutError` `DOMException` after `timeoutMs`. */
  readonly signal: AbortSignal | undefined;
  /** Clears the timer and removes the listener from the caller's signal: call once the wait is over. */
  readonly release: () => void;
}

/**
 * One signal for `options.signal` and `options.timeoutMs` that leaves
 * nothing behind once released: unlike `AbortSignal.timeout` its timer is
 * cleared, and unlike a combined signal its listener on the caller's signal
 * is removed. Throws an `InvalidOptionError` for a bad `signal` or `timeoutMs`.
 */
export function cancellation(options: AbortOptions | undefined): Cancellation {
  checkAbortOptions(options);
  const { signal, timeoutMs } = options ?? {};
  if (timeoutMs === undefined) return { signal, release: () => undefined };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Throws an `InvalidOptionError` unless `options` is absent or an object with an `AbortSignal` `signal` and a `timeoutMs` of milliseconds. */
export function checkAbortOptions(options: unknown): asserts options is AbortOptions | undefined {
  checkOption.object('options', options);
  const { signal, timeoutMs } = (options ?? {}) as { signal?: unknown; timeoutMs?: unknown };
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  }
  checkOption.milliseconds('timeoutMs', timeoutMs);
}
