import type { AbortOptions } from '../core/abort.js';
import { InvalidOptionError } from '../core/errors.js';
import { checkOption } from '../core/options.js';

/**
 * The caller's `signal` and `timeoutMs` as one signal for the length of one
 * operation (internal). Unlike a signal combined for good, disposing the scope
 * clears its timer and detaches it from the caller's signal, so a long-lived
 * signal passed to many operations collects no listeners.
 */
export interface AbortScope extends Disposable {
  /** Aborts with the caller's reason, or a `TimeoutError` `DOMException`; `undefined` when neither was given. */
  readonly signal: AbortSignal | undefined;
}

const NOTHING: AbortScope = { signal: undefined, [Symbol.dispose]: () => undefined };

/**
 * Checks `signal` and `timeoutMs` (an `InvalidOptionError` names a bad one) and
 * opens a scope over them (internal).
 *
 * @example
 * ```ts
 * const scope = abortScope({ signal, timeoutMs: 1_000 });
 * try { await sleep(50, scope.signal); } finally { scope[Symbol.dispose](); }
 * ```
 */
export function abortScope(options: AbortOptions): AbortScope {
  const { signal, timeoutMs } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  }
  checkOption.milliseconds('timeoutMs', timeoutMs);
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
