import { InvalidOptionError } from './errors.js';
import { checkOption } from './options.js';

/** Options of an operation that can be cancelled or given a deadline. */
export interface AbortOptions {
  /** Cancels the operation: it rejects with the signal's reason and leaves nothing running. */
  signal?: AbortSignal | undefined;
  /** Gives up after this many milliseconds, rejecting with a `TimeoutError` `DOMException`. */
  timeoutMs?: number | undefined;
}

/**
 * Throws an `InvalidOptionError` unless `options` is absent, or an object whose
 * `signal` is an `AbortSignal` and whose `timeoutMs` a timer accepts.
 */
export function checkAbortOptions(options: unknown): asserts options is AbortOptions | undefined {
  checkOption.object('options', options);
  const { signal, timeoutMs } = (options ?? {}) as { signal?: unknown; timeoutMs?: unknown };
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  }
  checkOption.milliseconds('timeoutMs', timeoutMs);
}

/**
 * The caller's `signal` and `timeoutMs` as one signal for the length of one
 * operation. Unlike `AbortSignal.timeout` and a signal combined for good,
 * disposing the scope clears its timer and detaches it from the caller's
 * signal, so a long-lived signal passed to many operations collects no listeners.
 */
export interface AbortScope extends Disposable {
  /** Aborts with the caller's reason, or a `TimeoutError` `DOMException`; `undefined` when neither was given. */
  readonly signal: AbortSignal | undefined;
}

const NOTHING: AbortScope = { signal: undefined, [Symbol.dispose]: () => undefined };

/**
 * Checks `options` ({@link checkAbortOptions}) and opens an {@link AbortScope}
 * over them (for library and backend authors).
 *
 * @example
 * ```ts
 * using scope = abortScope({ signal, timeoutMs: 1_000 });
 * await sleep(50, scope.signal);
 * ```
 */
export function abortScope(options: AbortOptions | undefined): AbortScope {
  checkAbortOptions(options);
  const { signal, timeoutMs } = options ?? {};
  if (timeoutMs === undefined) {
    return signal === undefined ? NOTHING : { signal, [Symbol.dispose]: () => undefined };
  }
  const controller = new AbortController();
  const follow = (): void => controller.abort(signal?.reason);
  if (signal?.aborted === true) follow();
  else signal?.addEventListener('abort', follow, { once: true });
  const timer = setTimeout(() => {
    signal?.removeEventListener('abort', follow);
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  return {
    signal: controller.signal,
    [Symbol.dispose]: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
    },
  };
}

/**
 * Resolves as `promise` does, or rejects with `signal.reason` as soon as the
 * signal aborts; `onAbort` then undoes what the operation left running.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onAbort?.();
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      promise.catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the operation's own error, unchanged
        reject(error);
      },
    );
  });
}

/** Sleeps `ms`, or rejects with `signal.reason` (clearing the timer) when the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return abortable(
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    signal,
    () => clearTimeout(timer),
  );
}
