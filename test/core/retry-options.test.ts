/**
 * The retry policy shared by the command handler and subscriptions: the
 * backoff delays (bounds, growth, jitter, cap) and the checks of its options.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/index.js';
import { backoffDelay, DEFAULT_RETRY, resolveRetry } from '../../src/core/retry-options.js';

const options = { initialDelayMs: 4, maxDelayMs: 50 } as const;

/** The error `body` throws; fails when it returns. */
function thrownBy(body: () => unknown): InvalidOptionError {
  try {
    body();
  } catch (error) {
    if (InvalidOptionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError, but nothing was thrown');
}

describe('backoffDelay', () => {
  it('doubles from initialDelayMs: the lower bound is half the backoff, the upper bound all of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 0))).toEqual([2, 4, 8, 16]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, options, () => 1))).toEqual([4, 8, 16, 32]);
  });

  it('is capped at maxDelayMs, however many retries', () => {
    expect([5, 6, 10, 100].map((n) => backoffDelay(n, options, () => 0))).toEqual([25, 25, 25, 25]);
    expect([5, 6, 10, 100].map((n) => backoffDelay(n, options, () => 1))).toEqual([50, 50, 50, 50]);
    // 2^2000 overflows to Infinity; the cap still holds.
    expect(backoffDelay(2000, options, () => 0.5)).toBe(37.5);
  });

  it('jitters linearly within the upper half of the backoff', () => {
    expect([0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, options, () => r))).toEqual([
      8, 10, 12, 14,
    ]);
  });

  it('with Math.random, every delay lies in [backoff / 2, backoff]', () => {
    for (let retry = 1; retry <= 8; retry++) {
      const backoff = Math.min(50, 4 * 2 ** (retry - 1));
      for (let i = 0; i < 200; i++) {
        const delay = backoffDelay(retry, options);
        expect(delay).toBeGreaterThanOrEqual(backoff / 2);
        expect(delay).toBeLessThanOrEqual(backoff);
      }
    }
  });

  it('is 0 for a zero initial delay, and the cap alone when the initial delay exceeds it', () => {
    expect(backoffDelay(3, { initialDelayMs: 0, maxDelayMs: 50 }, () => 1)).toBe(0);
    expect(backoffDelay(1, { initialDelayMs: 80, maxDelayMs: 50 }, () => 0)).toBe(25);
  });
});

describe('resolveRetry', () => {
  it('fills in the defaults', () => {
    expect(resolveRetry()).toEqual({ maxRetries: 5, initialDelayMs: 5, maxDelayMs: 500 });
    expect(resolveRetry({})).toEqual(DEFAULT_RETRY);
    expect(resolveRetry({ maxRetries: 0, maxDelayMs: 20 })).toEqual({
      maxRetries: 0,
      initialDelayMs: 5,
      maxDelayMs: 20,
    });
  });

  const INTEGER = 'an integer ≥ 0';
  const MS = 'an integer of milliseconds ≥ 0 ≤ 2147483647';
  // [option, bad value, the value as the message shows it, what was expected]
  const bad: [string, unknown, string, string][] = [
    ['maxRetries', Number.NaN, 'NaN', INTEGER],
    ['maxRetries', -1, '-1', INTEGER],
    ['maxRetries', 1.5, '1.5', INTEGER],
    ['maxRetries', '3', '"3"', INTEGER],
    ['maxRetries', Number.POSITIVE_INFINITY, 'Infinity', INTEGER],
    ['initialDelayMs', Number.NaN, 'NaN', MS],
    ['initialDelayMs', -5, '-5', MS],
    ['initialDelayMs', 2.5, '2.5', MS],
    ['initialDelayMs', '5', '"5"', MS],
    ['maxDelayMs', Number.NaN, 'NaN', MS],
    ['maxDelayMs', -1, '-1', MS],
    ['maxDelayMs', 0.5, '0.5', MS],
    ['maxDelayMs', null, 'null', MS],
    ['maxDelayMs', 2 ** 31, '2147483648', MS],
  ];
  it.each(bad)(
    'rejects %s = %s with an InvalidOptionError naming retry.%s',
    (key, value, shown, expected) => {
      const error = thrownBy(() => resolveRetry({ [key]: value }));
      expect(error.code).toBe('INVALID_OPTION');
      expect(error.option).toBe(`retry.${key}`);
      expect(error.value).toBe(value);
      expect(error.message).toBe(`Invalid option retry.${key}=${shown}: expected ${expected}`);
    },
  );

  it('rejects retry options that are not an object, and names the option under the given prefix', () => {
    for (const value of [null, 3, 'fast', [1]]) {
      const error = thrownBy(() => resolveRetry(value as never));
      expect([error.option, error.value]).toEqual(['retry', value]);
    }
    expect(thrownBy(() => resolveRetry({ maxRetries: -1 }, 'handler.retry')).option).toBe(
      'handler.retry.maxRetries',
    );
  });
});
