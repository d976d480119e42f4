/** One measured workload: events per second over several timed runs after a warm-up. */
export interface Measurement {
  readonly name: string;
  /** Events (or operations) processed per timed run. */
  readonly count: number;
  /** Median events per second. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Peak resident set size seen during the runs, in MiB. */
  readonly peakRssMiB: number;
}

/** How to run a workload: `setup` before each run (untimed), `run` timed, `teardown` after. */
export interface Workload<S> {
  readonly name: string;
  readonly count: number;
  setup(): Promise<S> | S;
  run(state: S): Promise<void> | void;
  teardown?(state: S): Promise<void> | void;
}

/** Runs a workload `warmup` times untimed, then `runs` times timed, and reports the median rate. */
export async function measure<S>(
  workload: Workload<S>,
  runs = 5,
  warmup = 1,
): Promise<Measurement> {
  const rates: number[] = [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const state = await workload.setup();
      const start = process.hrtime.bigint();
      await workload.run(state);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      peak = Math.max(peak, process.memoryUsage().rss);
      await workload.teardown?.(state);
      if (i >= warmup) rates.push(workload.count / seconds);
    }
  } finally {
    clearInterval(sampler);
  }
  rates.sort((a, b) => a - b);
  const mid = rates.length >> 1;
  const median =
    rates.length % 2 === 1
      ? (rates[mid] as number)
      : ((rates[mid - 1] as number) + (rates[mid] as number)) / 2;
  return {
    name: workload.name,
    count: workload.count,
    median,
    min: rates[0] as number,
    max: rates.at(-1) as number,
    peakRssMiB: Math.round(peak / 2 ** 20),
  };
}

/** A 200-byte JSON payload, as the workloads of DESIGN §7 use. */
export function payload200(i: number): {
  index: number;
  title: string;
  tags: string[];
  note: string;
} {
  const base = { index: i, title: `Task number ${i}`, tags: ['alpha', 'beta', 'gamma'], note: '' };
  const size = JSON.stringify(base).length;
  return { ...base, note: 'x'.repeat(Math.max(0, 200 - size)) };
}

/** Formats measurements as an aligned text table, with each one's ratio to `baseline` when given. */
export function formatTable(
  rows: readonly Measurement[],
  baseline?: (row: Measurement) => Measurement | undefined,
): string {
  const lines = [['workload', 'events/s (median)', 'min–max', 'vs floor', 'peak RSS MiB']];
  for (const r of rows) {
    const base = baseline?.(r);
    lines.push([
      r.name,
      Math.round(r.median).toLocaleString('en-US'),
      `${Math.round(r.min).toLocaleString('en-US')}–${Math.round(r.max).toLocaleString('en-US')}`,
      base === undefined || base === r ? '' : `${(base.median / r.median).toFixed(2)}× slower`,
      String(r.peakRssMiB),
    ]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}
