import type { StoredSubscriptionStatus } from '../subscriptions/read-subscription-statuses.js';

/** A subscription's lag as last read by `projections status --watch`. */
export interface LagSample {
  readonly events: number;
  readonly at: number;
}

/** How fast a subscription closes its lag, between two reads of its status. */
export interface CatchUpRate {
  /** Events per second by which the lag shrank (handled minus appended); 0 when it grew. */
  readonly rate: number;
  /** The lag divided by that rate, in milliseconds; `undefined` without progress or lag. */
  readonly etaMs: number | undefined;
}

/**
 * The catch-up rate of each subscription of `statuses` read at `now`,
 * against its `previous` lag sample (none the first time: rate 0); updates
 * `previous`. The net rate (handled minus appended) is what tells the time
 * left to catch up.
 *
 * @example
 * ```ts
 * const previous = new Map<string, LagSample>();
 * const rates = catchUpRates(previous, await readSubscriptionStatuses(store, storage), Date.now());
 * ```
 */
export function catchUpRates(
  previous: Map<string, LagSample>,
  statuses: readonly StoredSubscriptionStatus[],
  now: number,
): Map<string, CatchUpRate> {
  const rates = new Map<string, CatchUpRate>();
  for (const { name, lag } of statuses) {
    const before = previous.get(name);
    const seconds = before === undefined ? 0 : (now - before.at) / 1_000;
    const closed = before === undefined ? 0 : before.events - lag.events;
    const rate = seconds > 0 && closed > 0 ? closed / seconds : 0;
    const etaMs = rate > 0 && lag.events > 0 ? Math.round((lag.events / rate) * 1_000) : undefined;
    rates.set(name, { rate, etaMs });
    previous.set(name, { events: lag.events, at: now });
  }
  return rates;
}

/** A duration for people: `42s`, `3m05s`, `2h07m`; `—` when unknown. */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
}
