/**
 * `npm run bench`: workloads W1–W6 (and the shape of Eventuali's published figures) for
 * eventfold's stores, Emmett's stores and the raw drivers (the floor), in one process run.
 *
 *   npm run bench -- [--workloads W1,W2] [--backends memory,sqlite,postgres] [--scale 0.1]
 *                    [--runs 5] [--warmup 1] [--json | --markdown]
 *
 * PostgreSQL: DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres; every target
 * gets a throwaway database that is dropped afterwards.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { prepareAppend } from '../src/backend.js';
import { defineEvent, payload } from '../src/index.js';
import { measure, type Measurement } from './lib/measure.js';
import type { Backend, BenchTarget } from './lib/targets.js';
import { WORKLOADS } from './lib/workloads.js';
import { benchTargets } from './targets.js';

interface Row extends Measurement {
  /** The rate of each timed round, in order. */
  readonly rounds: readonly number[];
  readonly workload: string;
  readonly target: string;
  readonly backend: Backend;
  readonly kind: BenchTarget['kind'];
  /** floor rate / this rate: how many times slower than the raw driver (eventfold rows). */
  readonly vsFloor?: number;
  /** this rate / Emmett's rate on the same backend (eventfold rows). */
  readonly vsPeer?: number;
  readonly error?: string;
}

const { values } = parseArgs({
  options: {
    workloads: { type: 'string' },
    backends: { type: 'string', default: 'memory,sqlite,postgres' },
    scale: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
  },
});
const scale = Number(values.scale);
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const wanted = values.workloads?.split(',').map((w) => w.trim().toUpperCase());
const backends = new Set(values.backends.split(',').map((b) => b.trim()) as Backend[]);
const log = (line: string) => (values.json ? process.stderr.write(`${line}\n`) : console.log(line));
// Peers may print to stdout; with --json, stdout carries only the JSON document.
if (values.json) console.log = (...args: unknown[]) => console.error(...args);

const { targets, cleanup } = await benchTargets(backends);
const rows: Row[] = [];
try {
  for (const spec of WORKLOADS.filter(
    (w) => wanted === undefined || wanted.includes(w.id.toUpperCase()),
  )) {
    log(`\n${spec.id}: ${spec.title}`);
    // Every target of the workload runs round-robin (one timed run each per round), so that a
    // slow spell of the machine hits them alike; ratios are medians of same-round pairs.
    const built = targets.map((target) => ({ target, ...spec.build(target, scale) }));
    const rates = new Map<BenchTarget, number[]>();
    const peaks = new Map<BenchTarget, number>();
    const failed = new Map<BenchTarget, string>();
    try {
      for (let round = -warmup; round < runs; round++) {
        for (const { target, workload } of built) {
          if (failed.has(target)) continue;
          try {
            const m = await measure(workload, 1, 0);
            if (round < 0) continue;
            (rates.get(target) ?? rates.set(target, []).get(target))?.push(m.median);
            peaks.set(target, Math.max(peaks.get(target) ?? 0, m.peakRssMiB));
          } catch (error) {
            failed.set(target, error instanceof Error ? error.message : String(error));
          }
        }
      }
    } finally {
      for (const { done } of built) await done().catch(() => undefined);
    }
    for (const { target, workload } of built) {
      const base = {
        workload: spec.id,
        target: target.name,
        backend: target.backend,
        kind: target.kind,
      };
      const list = rates.get(target) ?? [];
      const error = failed.get(target);
      if (error !== undefined || list.length === 0) {
        rows.push({
          ...base,
          name: spec.id,
          count: 0,
          median: 0,
          min: 0,
          max: 0,
          peakRssMiB: 0,
          rounds: [],
          error: error ?? 'no run',
        });
        log(`  ${target.name.padEnd(34)} failed: ${error ?? 'no run'}`);
        continue;
      }
      const sorted = [...list].sort((a, b) => a - b);
      rows.push({
        ...base,
        name: spec.id,
        count: workload.count,
        median: median(sorted),
        min: sorted[0] ?? 0,
        max: sorted.at(-1) ?? 0,
        peakRssMiB: peaks.get(target) ?? 0,
        rounds: list,
      });
      log(
        `  ${target.name.padEnd(34)} ${Math.round(median(sorted)).toLocaleString('en-US').padStart(12)} events/s`,
      );
    }
  }
} finally {
  await cleanup();
}

// Eventuali also claims 79,000 event creations/s: creating typed events with
// defineEvent, then checking and serialising them as an append does (prepareAppend).
if (wanted === undefined || wanted.includes('S-CREATE')) {
  const Created = defineEvent('CounterIncremented', payload<{ by: number; at: number }>());
  const n = 100_000;
  const m = await measure(
    {
      name: 'S-create',
      count: n,
      setup: () => undefined,
      run: async () => {
        const events = Array.from({ length: n }, (_, i) => Created({ by: 1, at: i }));
        await prepareAppend('User-1', events, undefined, {});
      },
    },
    runs,
    warmup,
  );
  rows.push({
    ...m,
    rounds: [m.median],
    workload: 'S-create',
    target: 'eventfold (any backend)',
    backend: 'memory',
    kind: 'eventfold',
  });
  log(
    `\nS-create: event creation, checking and serialisation\n  ${Math.round(m.median).toLocaleString('en-US')} events/s`,
  );
}

const withRatios: Row[] = rows.map((row) => {
  if (row.kind !== 'eventfold' || row.error !== undefined) return row;
  const same = (kind: BenchTarget['kind']) =>
    rows.find(
      (r) =>
        r.workload === row.workload &&
        r.backend === row.backend &&
        r.kind === kind &&
        r.error === undefined,
    );
  const floor = same('floor');
  const peer = same('peer');
  return {
    ...row,
    ...(floor === undefined ? {} : { vsFloor: pairedRatio(floor.rounds, row.rounds) }),
    ...(peer === undefined ? {} : { vsPeer: pairedRatio(row.rounds, peer.rounds) }),
  };
});

if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ machine: machine(), scale, runs, warmup, rows: withRatios }, null, 2)}\n`,
  );
} else {
  console.log(`\n${machine()}; scale ${scale}, median of ${runs} runs after ${warmup} warm-up\n`);
  console.log(values.markdown ? markdownTable(withRatios) : table(withRatios));
  console.log(`\n${summary(withRatios)}`);
}

/** Concurrency scaling (W3 ÷ W3-1) and Eventuali's published claims, for each eventfold target. */
function summary(list: readonly Row[]): string {
  const lines: string[] = [];
  const rate = (workload: string, target: string) =>
    list.find((r) => r.workload === workload && r.target === target && r.error === undefined)
      ?.median;
  for (const target of new Set(list.filter((r) => r.kind === 'eventfold').map((r) => r.target))) {
    const w3 = rate('W3', target);
    const w31 = rate('W3-1', target);
    if (w3 !== undefined && w31 !== undefined)
      lines.push(`${target}: 16 writers ÷ 1 writer = ${(w3 / w31).toFixed(2)}`);
    const save = rate('S-save', target);
    const load = rate('S-load', target);
    const create = rate('S-create', target);
    if (create !== undefined)
      lines.push(
        `${target}: event creation ${Math.round(create).toLocaleString('en-US')}/s = ${(create / 79_000).toFixed(2)} × the claimed 79,000/s`,
      );
    if (save !== undefined)
      lines.push(
        `${target}: Eventuali-shape saves ${Math.round(save).toLocaleString('en-US')}/s = ${(save / 25_000).toFixed(2)} × the claimed 25,000/s`,
      );
    if (load !== undefined)
      lines.push(
        `${target}: Eventuali-shape loads ${Math.round(load).toLocaleString('en-US')}/s = ${(load / 40_000).toFixed(2)} × the claimed 40,000/s`,
      );
  }
  return lines.join('\n');
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The median over rounds of `a[i] / b[i]` (each pair measured in the same round). */
function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  return median(
    Array.from({ length: n }, (_, i) => (a[i] ?? 0) / (b[i] ?? 1)).sort((x, y) => x - y),
  );
}

function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The rows as a Markdown table (for docs/benchmarks.md). */
function markdownTable(list: readonly Row[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    '| workload | target | events/s (median) | min–max | floor ÷ eventfold | eventfold ÷ Emmett | peak RSS MiB |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of list) {
    const ok = r.error === undefined;
    lines.push(
      `| ${r.workload} | ${r.target} | ${ok ? fmt(r.median) : `n/a: ${(r.error ?? '').slice(0, 60)}`} | ${ok ? `${fmt(r.min)}–${fmt(r.max)}` : ''} | ${r.vsFloor?.toFixed(2) ?? ''} | ${r.vsPeer?.toFixed(2) ?? ''} | ${ok ? r.peakRssMiB : ''} |`,
    );
  }
  return lines.join('\n');
}

function table(list: readonly Row[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    [
      'workload',
      'target',
      'events/s',
      'min–max',
      'floor ÷ eventfold',
      'eventfold ÷ Emmett',
      'peak RSS MiB',
    ],
  ];
  for (const r of list) {
    lines.push([
      r.workload,
      r.target,
      r.error === undefined ? fmt(r.median) : `n/a: ${r.error.slice(0, 60)}`,
      r.error === undefined ? `${fmt(r.min)}–${fmt(r.max)}` : '',
      r.vsFloor === undefined ? '' : r.vsFloor.toFixed(2),
      r.vsPeer === undefined ? '' : r.vsPeer.toFixed(2),
      r.error === undefined ? String(r.peakRssMiB) : '',
    ]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}
