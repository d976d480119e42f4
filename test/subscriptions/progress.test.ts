import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { InMemorySubscriptionStorage, subscribe } from '../../src/subscriptions/index.js';
import { PROGRESS_WINDOW_MS, ProgressMeter } from '../../src/subscriptions/progress-meter.js';

describe('ProgressMeter', () => {
  it('gives events done, the rate over the recent window, and the time left', () => {
    let now = 0;
    const meter = new ProgressMeter(() => now);
    meter.begin(500); // 500 handled before this catch-up
    now = 1_000;
    meter.record(600);
    now = 2_000;
    meter.record(700);
    expect(meter.read(1_000, false)).toEqual({
      done: 200,
      rate: 100,
      remaining: 1_000,
      capped: false,
      etaMs: 10_000,
    });
  });

  it('forgets samples older than the window, and has no ETA at a standstill', () => {
    let now = 0;
    const meter = new ProgressMeter(() => now);
    meter.begin(0);
    now = 1_000;
    meter.record(10_000); // a fast start…
    now = 1_000 + PROGRESS_WINDOW_MS;
    meter.record(10_000);
    now += 1_000;
    meter.record(10_100); // …then slow: the rate is the recent one
    const progress = meter.read(5, true);
    expect(progress.done).toBe(10_100);
    // From the last sample at or before the window's start (the fast start is forgotten).
    expect(progress.rate).toBeCloseTo(100 / ((now - 1_000) / 1_000));
    now += PROGRESS_WINDOW_MS;
    meter.record(10_100);
    expect(meter.read(5, true).rate).toBe(0);
    expect(progress.capped).toBe(true);
    const idle = new ProgressMeter(() => 0);
    idle.begin(0);
    expect(idle.read(10, false)).toMatchObject({ done: 0, rate: 0, etaMs: undefined });
  });
});

describe('status() while catching up', () => {
  it('reports progress: done, rate, remaining and ETA; none once live', async () => {
    const store = new InMemoryEventStore();
    for (let i = 0; i < 5; i++) {
      await store.append(
        `Task-${i}`,
        Array.from({ length: 10 }, () => ({ type: 'T', data: {} })),
      );
    }
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let seen = 0;
    const sub = subscribe(store, {
      name: 'slow',
      storage: new InMemorySubscriptionStorage(),
      batchSize: 10,
      handler: async () => {
        if (++seen === 25) await gate; // held in the third batch
      },
    });
    try {
      const twentieth = (await store.readAll({ limit: 20 }).toArray()).at(-1);
      if (twentieth === undefined) throw new Error('no events');
      await sub.waitForPosition(twentieth.position);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const status = await sub.status();
      expect(status.state).toBe('catching-up');
      expect(status.progress).toMatchObject({ done: 20, remaining: 30, capped: false });
      expect(status.progress?.rate).toBeGreaterThan(0);
      expect(status.progress?.etaMs).toBeGreaterThan(0);
      release();
      await sub.caughtUp;
      const live = await sub.status();
      expect(live.state).toBe('live');
      expect(live.progress).toBeUndefined();
    } finally {
      release();
      await sub.stop();
    }
  });
});
