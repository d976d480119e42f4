import { LatencyRecorder } from './latency.js';
import { measure, type Measurement } from './measure.js';
import { isNotSupported } from './support.js';
import type { Backend, BenchTarget, TargetKind } from './targets.js';
import type { WorkloadSpec } from './workloads.js';

/** One target's result on one workload. */
export interface Row extends Measurement {
  /** The rate of each timed round, in order. */
  readonly rounds: readonly number[];
  readonly workload: string;
  readonly target: string;
  readonly backend: Backend;
  readonly kind: TargetKind;
  readonly variant?: string;
  /** Per-operation latency over every timed round, in milliseconds (write workloads). */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  /** The workload of the same operations from one writer (see {@link WorkloadSpec.oneWriter}). */
  readonly oneWriter?: string;
  /** floor rate / this rate: how many times slower than the raw driver (eventfold rows). */
  readonly vsFloor?: number;
  /** this rate / Emmett's rate on the same backend (eventfold rows). */
  readonly vsPeer?: number;
  /** this rate / the same target's rate on {@link oneWriter}. */
  readonly vsOneWriter?: number;
  readonly error?: string;
  /** The target lacks what the workload needs: shown as "n/a (not supported)". */
  readonly unsupported?: boolean;
}

/** How long and how often to measure. */
export interface RunSettings {
  readonly scale: number;
  readonly runs: number;
  readonly warmup: number;
}

/**
 * Runs one workload on every target of a backend it runs on, round-robin (one timed
 * run each per round, so that a slow spell of the machine hits them alike). A target
 * that throws stops there and gets a row with its error (marked unsupported when the
 * error says the feature is missing); the others go on.
 */
export async function runWorkload(
  spec: WorkloadSpec,
  targets: readonly BenchTarget[],
  settings: RunSettings,
): Promise<Row[]> {
  const chosen = targets.filter((t) => spec.backends?.includes(t.backend) ?? true);
  const built = chosen.map((target) => {
    const latency = new LatencyRecorder();
    return { target, latency, ...spec.build(target, settings.scale, latency) };
  });
  const rates = new Map<BenchTarget, number[]>();
  const peaks = new Map<BenchTarget, number>();
  const failed = new Map<BenchTarget, { error: string; unsupported: boolean }>();
  try {
    for (let round = -settings.warmup; round < settings.runs; round++) {
      for (const { target, workload, latency } of built) {
        if (failed.has(target)) continue;
        try {
          const m = await measure(workload, 1, 0);
          if (round < 0) {
            latency.clear();
            continue;
          }
          (rates.get(target) ?? rates.set(target, []).get(target))?.push(m.median);
          peaks.set(target, Math.max(peaks.get(target) ?? 0, m.peakRssMiB));
        } catch (error) {
          failed.set(target, {
            error: error instanceof Error ? error.message : String(error),
            unsupported: isNotSupported(error),
          });
        }
      }
    }
  } finally {
    for (const { done } of built) await done().catch(() => undefined);
  }
  return built.map(({ target, workload, latency }) => {
    const base = {
      workload: spec.id,
      target: target.name,
      backend: target.backend,
      kind: target.kind,
      ...(target.variant === undefined ? {} : { variant: target.variant }),
      ...(spec.oneWriter === undefined ? {} : { oneWriter: spec.oneWriter }),
    };
    const list = rates.get(target) ?? [];
    const failure = failed.get(target);
    if (failure !== undefined || list.length === 0) {
      return {
        ...base,
        name: spec.id,
        count: 0,
        median: 0,
        min: 0,
        max: 0,
        peakRssMiB: 0,
        rounds: [],
        error: failure?.error ?? 'no run',
        ...(failure?.unsupported === true ? { unsupported: true } : {}),
      };
    }
    const sorted = [...list].sort((a, b) => a - b);
    const ms = spec.write === true ? latency.summary() : undefined;
    return {
      ...base,
      name: spec.id,
      count: workload.count,
      median: median(sorted),
      min: sorted[0] ?? 0,
      max: sorted.at(-1) ?? 0,
      peakRssMiB: peaks.get(target) ?? 0,
      rounds: list,
      ...(ms === undefined ? {} : { p50Ms: ms.p50, p99Ms: ms.p99 }),
    };
  });
}

/** The median of ascending values (0 when empty). */
export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The median over rounds of `a[i] / b[i]` (each pair measured in the same round). */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  return median(
    Array.from({ length: n }, (_, i) => (a[i] ?? 0) / (b[i] ?? 1)).sort((x, y) => x - y),
  );
}

/**
 * Adds the ratio columns: eventfold rows against the floor and the peer of the same
 * backend and variant, and every row against the same target's one-writer workload.
 */
export function withRatios(rows: readonly Row[]): Row[] {
  const ok = (r: Row) => r.error === undefined;
  return rows.map((row) => {
    if (!ok(row)) return row;
    const one =
      row.oneWriter === undefined
        ? undefined
        : rows.find((r) => r.workload === row.oneWriter && r.target === row.target && ok(r));
    const ratios: { vsFloor?: number; vsPeer?: number; vsOneWriter?: number } = {};
    if (one !== undefined) ratios.vsOneWriter = pairedRatio(row.rounds, one.rounds);
    if (row.kind === 'eventfold') {
      const same = (kind: TargetKind) =>
        rows.find(
          (r) =>
            r.workload === row.workload &&
            r.backend === row.backend &&
            r.kind === kind &&
            r.variant === row.variant &&
            ok(r),
        );
      const floor = same('floor');
      const peer = same('peer');
      if (floor !== undefined) ratios.vsFloor = pairedRatio(floor.rounds, row.rounds);
      if (peer !== undefined) ratios.vsPeer = pairedRatio(row.rounds, peer.rounds);
    }
    return { ...row, ...ratios };
  });
}
