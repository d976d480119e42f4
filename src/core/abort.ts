import { ValidationError } from './errors.js';

/** Options of an operation that can be cancelled or given a deadline. */
export interface AbortOptions {
  /** Cancels the operation: it rejects with the signal's reason and leaves nothing running. */
  signal?: AbortSignal | undefined;
  /** Gives up after this many milliseconds, rejecting with a `TimeoutError` `DOMException`. */
  timeoutMs?: number | undefined;
}

/**
 * Combines `signal` and `timeoutMs` into one signal (for library authors);
 * `undefined` when neither is given. Throws a {@link ValidationError} for a
 * bad `timeoutMs` or a `signal` that is not an `AbortSignal`.
 */
export function abortSignalOf(options: AbortOptions | undefined): AbortSignal | undefined {
  const signal = options?.signal;
  const timeoutMs = options?.timeoutMs;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ValidationError(`Invalid signal: expected an AbortSignal, got ${typeof signal}`);
  }
  if (timeoutMs === undefined) return signal;
  if (
    typeof timeoutMs !== 'number' ||
    !Number.isSafeInteger(timeoutMs) ||
    timeoutMs < 0 ||
    timeoutMs > 2 ** 31 - 1
  ) {
    throw new ValidationError(
      `Invalid timeoutMs=${String(timeoutMs)}: expected a non-negative integer of milliseconds`,
    );
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : anySignal([signal, timeout]);
}

/** A signal that aborts when the first of `signals` does, with its reason. */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  const stops: (() => void)[] = [];
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = (): void => {
      for (const stop of stops) stop();
      controller.abort(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stops.push(() => signal.removeEventListener('abort', onAbort));
  }
  if (controller.signal.aborted) for (const stop of stops) stop();
  return controller.signal;
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
