import { ValidationError } from './errors.js';

/**
 * How a command handler (after a concurrency conflict) or a subscription (after a
 * failing handler) retries: at most
 * `maxRetries` times, waiting an exponentially growing, jittered delay:
 * attempt n waits between half and all of `min(maxDelayMs, initialDelayMs × 2^(n−1))`.
 *
 * @example
 * ```ts
 * const handler = new CommandHandler(tasks, decide, { retry: { maxRetries: 10, initialDelayMs: 2 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt (default 5; 0 never retries). */
  maxRetries?: number;
  /** The delay before the first retry, before jitter (default 5 ms). */
  initialDelayMs?: number;
  /** The longest delay, before jitter (default 500 ms). */
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

/** {@link RetryOptions} checked, with defaults (internal). */
export type ResolvedRetry = Readonly<Required<RetryOptions>>;

/** Checks retry options and fills in defaults (internal). */
export function resolveRetry(options: RetryOptions = {}): ResolvedRetry {
  const resolved = { ...DEFAULT_RETRY, ...options };
  for (const [key, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(
        `Invalid retry option ${key}=${String(value)}: expected a number ≥ 0`,
      );
    }
  }
  if (!Number.isSafeInteger(resolved.maxRetries)) {
    throw new ValidationError(
      `Invalid retry option maxRetries=${resolved.maxRetries}: expected an integer`,
    );
  }
  return resolved;
}

/**
 * The delay before retry number `retry` (1-based): exponential backoff with
 * "equal jitter", a random point in the upper half of the backoff.
 *
 * @example
 * ```ts
 * backoffDelay(3, { maxRetries: 5, initialDelayMs: 5, maxDelayMs: 500 }); // between 10 and 20
 * ```
 */
export function backoffDelay(
  retry: number,
  options: Readonly<Required<RetryOptions>>,
  random: () => number = Math.random,
): number {
  const backoff = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (retry - 1));
  return backoff / 2 + random() * (backoff / 2);
}
