import { describe, expect, it } from 'vitest';
import {
  formatSubscriptionBenchmarks,
  rebuildBenchmarks,
  subscriptionBenchmarks,
} from '../../bench/subscriptions.js';

describe('bench/subscriptions.ts at a tiny size', () => {
  it('measures the document projection beside the others, with its share of the subscription’s rate', async () => {
    const results = await subscriptionBenchmarks({
      backends: ['memory', 'sqlite'],
      events: 300,
      samples: 2,
      gapMs: 1,
      runs: 1,
      warmup: 0,
    });
    expect(results.map((r) => `${r.backend}/${r.mode}`)).toEqual([
      'memory/subscription',
      'memory/projection',
      'memory/documents',
      'sqlite/subscription',
      'sqlite/projection',
      'sqlite/documents',
    ]);
    for (const r of results) expect(r.catchUp.median).toBeGreaterThan(0);
    const table = formatSubscriptionBenchmarks(results);
    expect(table).toMatch(/÷ subscription/);
    expect(table).toMatch(/^sqlite\s+document projection \(exactly-once\)\s+[\d,]+\s+\S+\s+\d+ %/m);
  }, 60_000);

  it('times a rebuild of N events on SQLite (memory is left out)', async () => {
    const lines = await rebuildBenchmarks(500, ['memory', 'sqlite']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sqlite: rebuild of 500 events in \d+\.\d s \([\d,]+ events\/s\)$/);
  }, 60_000);
});
