import { checkOption } from './options.js';

/**
 * How a command handler (after a concurrency conflict) or a subscription (after a
 * failing handler) retries: at most `maxRetries` times, waiting an exponentially
 * growing, jittered delay: retry n waits between half and all of
 * `min(maxDelayMs, initialDelayMs × 2^(n−1))`.
 *
 * @example
 * ```ts
 * const handler = new CommandHandler(tasks, decide, { retry: { maxRetries: 10, initialDelayMs: 2 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt: an integer ≥ 0 (default 5; 0 never retries). */
  maxRetries?: number;
  /** The delay before the first retry, before jitter: integer milliseconds (default 5). */
  initialDelayMs?: number;
  /** The longest delay, before jitter: integer milliseconds up to 2^31 − 1 (default 500). */
  maxDelayMs?: number;
}

/**
 * Defaults of {@link RetryOptions}.
 *
 * @example
 * ```ts
 * DEFAULT_RETRY.maxRetries; // 5
 * ```
 */
export const DEFAULT_RETRY = { maxRetries: 5, initialDelayMs: 5, maxDelayMs: 500 } as const;

/**
 * {@link RetryOptions} checked, with defaults. Kept in the published declarations: exported
 * declarations refer to it; no entry point exports it.
 */
export type ResolvedRetry = Readonly<Required<RetryOptions>>;

/**
 * Checks retry options and fills in defaults. A bad value is an
 * `InvalidOptionError` naming it under `name` (`retry.maxRetries`).
 *
 * @example
 * ```ts
 * resolveRetry({ maxRetries: 2 }); // { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 500 }
 * ```
 *
 * @internal
 */
export function resolveRetry(
  options: RetryOptions | undefined = {},
  name = 'retry',
): ResolvedRetry {
  checkOption.object(name, options);
  const { maxRetries, initialDelayMs, maxDelayMs } = options;
  checkOption.integer(`${name}.maxRetries`, maxRetries);
  checkOption.milliseconds(`${name}.initialDelayMs`, initialDelayMs);
  checkOption.milliseconds(`${name}.maxDelayMs`, maxDelayMs);
  return {
    maxRetries: maxRetries ?? DEFAULT_RETRY.maxRetries,
    initialDelayMs: initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
    maxDelayMs: maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
}

/**
 * The delay before retry number `retry` (1-based): exponential backoff with
 * "equal jitter", a random point in the upper half of
 * `min(maxDelayMs, initialDelayMs × 2^(retry−1))`. `random` returns a number in [0, 1).
 *
 * @example
 * ```ts
 * backoffDelay(3, { maxRetries: 5, initialDelayMs: 5, maxDelayMs: 500 }); // between 10 and 20
 * ```
 */
export function backoffDelay(
  retry: number,
  options: Readonly<Pick<Required<RetryOptions>, 'initialDelayMs' | 'maxDelayMs'>>,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return backoff / 2 + random() * (backoff / 2);
}
