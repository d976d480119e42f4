import { describe, expect, it } from 'vitest';
import { aggregateBenchmarks, formatAggregateBenchmarks } from '../../bench/aggregates.js';
import { InMemoryEventStore } from '../../src/index.js';

describe('W6 benchmark (smoke: it runs, no timing asserted)', () => {
  it('rehydrates with and without a snapshot and formats a report', async () => {
    const results = await aggregateBenchmarks(() => Promise.resolve(new InMemoryEventStore()), {
      sizes: [25],
      runs: 1,
      warmup: 0,
      eventsPerRun: 50,
    });
    expect(results.map((r) => r.size)).toEqual([25]);
    const [result] = results;
    expect(result?.classAggregate.count).toBe(50);
    const report = formatAggregateBenchmarks(results);
    expect(report).toContain(
      'W6 rehydrate 25 events: class aggregate + snapshot (10 events after it)',
    );
    expect(report).toContain('snapshot speed-up at 25 events:');
  });
});
