/**
 * Per-operation latency of the write workloads: each operation (one append, or one
 * read-then-conditional-append decision) is timed on its own, beside the workload's
 * throughput.
 */
export class LatencyRecorder {
  #samples: number[] = [];

  /** Times one operation and records its duration (also when it throws). */
  async time<T>(operation: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await operation();
    } finally {
      this.#samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }

  /** Records a duration in milliseconds. */
  record(ms: number): void {
    this.#samples.push(ms);
  }

  /** Forgets every sample (after the warm-up rounds). */
  clear(): void {
    this.#samples = [];
  }

  /** How many operations were recorded. */
  get count(): number {
    return this.#samples.length;
  }

  /** The p50 and p99 of the recorded durations in milliseconds, or `undefined` when none. */
  summary(): { p50: number; p99: number } | undefined {
    if (this.#samples.length === 0) return undefined;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  }
}

/** The nearest-rank percentile `p` (0–100) of ascending `sorted` values (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}
