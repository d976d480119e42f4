import { describe, expect, it } from 'vitest';
import { catchUpRates, formatEta, type LagSample } from '../../src/cli/projection-rates.js';
import type { StoredSubscriptionStatus } from '../../src/subscriptions/index.js';

const status = (name: string, events: number): StoredSubscriptionStatus => ({
  name,
  state: 'running',
  checkpoint: null,
  updatedAt: undefined,
  lag: { events, capped: false, ms: 0 },
  parked: 0,
});

describe('projections status --watch: catch-up rates', () => {
  it('gives the rate at which the lag shrinks, and the time left at it', () => {
    const previous = new Map<string, LagSample>();
    const first = catchUpRates(previous, [status('a', 10_000), status('b', 5)], 0);
    expect(first.get('a')).toEqual({ rate: 0, etaMs: undefined }); // nothing to compare with yet
    const second = catchUpRates(previous, [status('a', 8_000), status('b', 9)], 2_000);
    expect(second.get('a')).toEqual({ rate: 1_000, etaMs: 8_000 });
    expect(second.get('b')).toEqual({ rate: 0, etaMs: undefined }); // falling behind
    expect(previous.get('a')).toEqual({ events: 8_000, at: 2_000 });
  });

  it('formats the time left', () => {
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(42_000)).toBe('42s');
    expect(formatEta(185_000)).toBe('3m05s');
    expect(formatEta(7_620_000)).toBe('2h07m');
  });
});
