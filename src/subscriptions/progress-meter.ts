/**
 * How far a catch-up (or a rebuild) has come, in a subscription's status.
 *
 * @example
 * ```ts
 * const { progress } = await running.status();
 * if (progress) console.log(`${progress.done} done, ${Math.round(progress.rate)}/s, ETA ${progress.etaMs} ms`);
 * ```
 */
export interface CatchUpProgress {
  /** Events handled since the catch-up (or the rebuild) began, by this instance. */
  readonly done: number;
  /** Events handled per second over the last 10 seconds (0 before any). */
  readonly rate: number;
  /** Events left to handle: the lag (`capped` when there are more). */
  readonly remaining: number;
  /** True when `remaining` is the lag's cap, so more are left (and `etaMs` is a lower bound). */
  readonly capped: boolean;
  /** The time left at `rate`, in milliseconds; `undefined` while the rate is 0. */
  readonly etaMs: number | undefined;
}

/** The window of the rate of a {@link CatchUpProgress}, in milliseconds. */
export const PROGRESS_WINDOW_MS = 10_000;

/**
 * Samples of a subscription's handled-events counter, for the rate of its
 * catch-up over a recent window. `now` is injectable for tests.
 *
 * @internal
 */
export class ProgressMeter {
  readonly #now: () => number;
  #base = 0;
  #samples: { at: number; count: number }[] = [];

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** A catch-up (or a rebuild) begins with `count` events handled so far. */
  begin(count: number): void {
    this.#base = count;
    this.#samples = [{ at: this.#now(), count }];
  }

  /** `count` events handled so far (after a commit). */
  record(count: number): void {
    const at = this.#now();
    this.#samples.push({ at, count });
    // Keep one sample at or before the window's start, so the window is always covered.
    while ((this.#samples[1]?.at ?? at) <= at - PROGRESS_WINDOW_MS) this.#samples.shift();
  }

  /** The progress with `remaining` events left (`capped`: at least that many). */
  read(remaining: number, capped: boolean): CatchUpProgress {
    const now = this.#now();
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    const span = first === undefined ? 0 : now - first.at;
    const handled = first === undefined || last === undefined ? 0 : last.count - first.count;
    const rate = span > 0 ? (handled * 1_000) / span : 0;
    return {
      done: (last?.count ?? this.#base) - this.#base,
      rate,
      remaining,
      capped,
      etaMs: rate > 0 ? Math.round((remaining * 1_000) / rate) : undefined,
    };
  }
}
