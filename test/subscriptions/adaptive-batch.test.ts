import { describe, expect, it } from 'vitest';
import { nextBatchSize } from '../../src/subscriptions/adaptive-batch-size.js';
import { resolveSubscriptionOptions } from '../../src/subscriptions/subscription-options.js';

const policy = { min: 10, max: 5_000, targetMs: 100 };

describe('nextBatchSize (the adaptive batch policy)', () => {
  it('grows a full, fast slice towards the target, at most twice as large', () => {
    expect(nextBatchSize(100, 100, 20, policy)).toBe(200); // 500 predicted, capped at ×2
    expect(nextBatchSize(100, 100, 80, policy)).toBe(125); // 125 predicted
    expect(nextBatchSize(100, 100, 0, policy)).toBe(200); // too fast to measure
  });

  it('shrinks a slow slice, at most by half', () => {
    expect(nextBatchSize(400, 400, 200, policy)).toBe(200);
    expect(nextBatchSize(400, 400, 5_000, policy)).toBe(200);
    expect(nextBatchSize(400, 400, 160, policy)).toBe(250);
  });

  it('never grows on a short slice (the end of the feed), but may shrink on it', () => {
    expect(nextBatchSize(100, 5, 1, policy)).toBe(100);
    expect(nextBatchSize(100, 50, 100, policy)).toBe(50);
  });

  it('stays within [min, max]', () => {
    expect(nextBatchSize(4_000, 4_000, 10, policy)).toBe(5_000);
    expect(nextBatchSize(12, 12, 1_000, policy)).toBe(10);
    expect(nextBatchSize(3, 0, 0, policy)).toBe(10); // nothing committed: only clamped
  });

  it('converges to the size that takes the target at a steady rate', () => {
    const perEventMs = 0.05; // 2,000 events in 100 ms
    let size = 100;
    for (let i = 0; i < 20; i++) size = nextBatchSize(size, size, size * perEventMs, policy);
    expect(size).toBe(2_000);
  });
});

describe('adaptive batch options', () => {
  it('adapts by default, and keeps an explicit batchSize fixed unless targetBatchMs is given', () => {
    expect(resolveSubscriptionOptions({ name: 'a' }).adaptiveBatch).toEqual(policy);
    expect(resolveSubscriptionOptions({ name: 'a', batchSize: 50 }).adaptiveBatch).toBeUndefined();
    expect(
      resolveSubscriptionOptions({ name: 'a', batchSize: 50, targetBatchMs: 20 }).adaptiveBatch,
    ).toEqual({ min: 10, max: 5_000, targetMs: 20 });
    expect(resolveSubscriptionOptions({ name: 'a', targetBatchMs: false }).adaptiveBatch).toBe(
      undefined,
    );
    expect(
      resolveSubscriptionOptions({ name: 'a', batchSize: 3, targetBatchMs: 50 }).adaptiveBatch,
    ).toEqual({ min: 3, max: 5_000, targetMs: 50 });
  });
});
