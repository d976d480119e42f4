import type { Row } from './runner.js';
import { failureCell } from './support.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number | undefined) =>
  n === undefined ? '' : n >= 10 ? n.toFixed(1) : n.toFixed(n >= 1 ? 2 : 3);
const ratio = (n: number | undefined) => (n === undefined ? '' : n.toFixed(2));

const HEADER = [
  'workload',
  'target',
  'events/s (median)',
  'min–max',
  'p50 ms',
  'p99 ms',
  'floor ÷ eventfold',
  'eventfold ÷ Emmett',
  '÷ 1 writer',
  'peak RSS MiB',
];

/** The cells of one row, in {@link HEADER}'s order. */
export function cells(r: Row): string[] {
  if (r.error !== undefined) {
    const failure = { error: r.error, unsupported: r.unsupported === true };
    return [r.workload, r.target, failureCell(failure), '', '', '', '', '', '', ''];
  }
  return [
    r.workload,
    r.target,
    fmt(r.median),
    `${fmt(r.min)}–${fmt(r.max)}`,
    ms(r.p50Ms),
    ms(r.p99Ms),
    ratio(r.vsFloor),
    ratio(r.vsPeer),
    ratio(r.vsOneWriter),
    String(r.peakRssMiB),
  ];
}

/** The rows as a Markdown table (for docs/benchmarks.md). */
export function markdownTable(list: readonly Row[]): string {
  const lines = [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`,
  ];
  for (const r of list) lines.push(`| ${cells(r).join(' | ')} |`);
  return lines.join('\n');
}

/** The rows as an aligned text table. */
export function textTable(list: readonly Row[]): string {
  const lines = [HEADER, ...list.map(cells)];
  const widths = HEADER.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

/** A goal of the write path for a ratio of one workload on one backend (and variant). */
interface Goal {
  readonly workload: string;
  readonly backend: Row['backend'];
  readonly variant?: string;
  readonly against: 'floor' | 'one writer';
  readonly atLeast: number;
}

/** The write-path goals: 16 writers against the raw floor and against one writer. */
export const GOALS: readonly Goal[] = [
  { workload: 'W3', backend: 'sqlite', against: 'floor', atLeast: 2 },
  { workload: 'W3', backend: 'sqlite', variant: 'FULL', against: 'one writer', atLeast: 5 },
  { workload: 'W3', backend: 'postgres', against: 'floor', atLeast: 2.5 },
  { workload: 'W3', backend: 'postgres', against: 'one writer', atLeast: 6 },
];

/** Published figures the summary compares with: Eventuali's claims, and `eventsourcing`'s DCB speedrun on PostgreSQL. */
const CLAIMS = [
  { workload: 'S-create', per: 79_000, what: "Eventuali's claimed 79,000 event creations/s" },
  { workload: 'S-save', per: 25_000, what: "Eventuali's claimed 25,000 saves/s" },
  {
    workload: 'S-save-10',
    per: 25_000,
    what: "Eventuali's claimed 25,000 saves/s (goal on a SQLite file: 5×)",
  },
  { workload: 'S-load', per: 40_000, what: "Eventuali's claimed 40,000 loads/s" },
  {
    workload: 'DCB-1',
    per: 2_880,
    what: "eventsourcing's 2,880 ops/s (B-tree tags; 3,138 with aggregates)",
    backend: 'postgres',
  },
] as const;

/** Concurrency scaling, the goals met or not, and the published claims, for each eventfold target. */
export function summary(list: readonly Row[]): string {
  const lines: string[] = [];
  const ok = list.filter((r) => r.kind === 'eventfold' && r.error === undefined);
  for (const target of new Set(ok.map((r) => r.target))) {
    for (const r of ok.filter((row) => row.target === target)) {
      if (r.vsOneWriter !== undefined)
        lines.push(`${target}: ${r.workload} ÷ ${r.oneWriter} = ${r.vsOneWriter.toFixed(2)}`);
      for (const goal of GOALS) {
        if (goal.workload !== r.workload || goal.backend !== r.backend) continue;
        if (goal.variant !== r.variant) continue;
        const value =
          goal.against === 'floor'
            ? r.vsFloor === undefined
              ? undefined
              : 1 / r.vsFloor
            : r.vsOneWriter;
        if (value === undefined) continue;
        lines.push(
          `${target}: ${r.workload} = ${value.toFixed(2)} × ${goal.against === 'floor' ? 'the raw floor' : 'one writer'} (goal ≥ ${goal.atLeast}: ${value >= goal.atLeast ? 'met' : 'not met'})`,
        );
      }
      for (const claim of CLAIMS) {
        if (claim.workload !== r.workload) continue;
        if ('backend' in claim && claim.backend !== r.backend) continue;
        lines.push(
          `${target}: ${r.workload} ${fmt(r.median)}/s = ${(r.median / claim.per).toFixed(2)} × ${claim.what}`,
        );
      }
    }
  }
  return lines.join('\n');
}
