import { describe, expect, it } from 'vitest';
import { LatencyRecorder, percentile } from '../../bench/lib/latency.js';
import { cells, markdownTable, summary } from '../../bench/lib/report.js';
import { runWorkload, withRatios, type Row } from '../../bench/lib/runner.js';
import { isNotSupported, NotSupportedError } from '../../bench/lib/support.js';
import { DCB_WORKLOADS } from '../../bench/lib/workloads-dcb.js';
import { WORKLOADS } from '../../bench/lib/workloads.js';
import { fakeTarget } from './fake-target.js';

const settings = { scale: 0.001, runs: 2, warmup: 1 };
const spec = (id: string) => {
  const found = [...WORKLOADS, ...DCB_WORKLOADS].find((w) => w.id === id);
  if (found === undefined) throw new Error(`no workload ${id}`);
  return found;
};

describe('the benchmark harness', () => {
  it('reports "n/a (not supported)" for a target whose store has not implemented the feature, and runs the others', async () => {
    const missing = fakeTarget({
      name: 'not yet',
      appendError: new Error('readByQuery is not implemented on this backend yet'),
    });
    const working = fakeTarget({ name: 'working' });
    const rows = await runWorkload(spec('DCB-1'), [missing, working], settings);
    expect(rows.map((r) => r.target)).toEqual(['not yet', 'working']);
    expect(rows[0]).toMatchObject({ unsupported: true, count: 0 });
    expect(cells(rows[0] as Row)[2]).toBe('n/a (not supported)');
    expect(rows[1]?.error).toBeUndefined();
    expect(rows[1]?.rounds).toHaveLength(2);
    expect(rows[1]?.median).toBeGreaterThan(0);
  });

  it('reports "n/a (not supported)" for a target without DCB at all (a peer)', async () => {
    const [row] = await runWorkload(spec('DCB-16'), [fakeTarget({ dcb: false })], settings);
    expect(row?.unsupported).toBe(true);
    expect(markdownTable([row as Row])).toContain('| n/a (not supported) |');
  });

  it('reports any other failure with its message, not as unsupported', async () => {
    const broken = fakeTarget({ appendError: new Error('SQLITE_BUSY: database is locked') });
    const [row] = await runWorkload(spec('W1'), [broken], settings);
    expect(row?.unsupported).toBeUndefined();
    expect(cells(row as Row)[2]).toBe('n/a: SQLITE_BUSY: database is locked');
  });

  it('tells missing features from failures', () => {
    expect(isNotSupported(new NotSupportedError('conditional appends'))).toBe(true);
    expect(
      isNotSupported(
        new Error('appendMany and conditions are not implemented on this backend yet'),
      ),
    ).toBe(true);
    expect(isNotSupported(new Error('Database is closed'))).toBe(false);
    expect(isNotSupported('not implemented')).toBe(false);
  });

  it('reports p50 and p99 latency for write workloads only, without the warm-up', async () => {
    const target = fakeTarget();
    const [write] = await runWorkload(spec('W3'), [target], settings);
    expect(write?.p50Ms).toBeGreaterThan(0);
    expect(write?.p99Ms).toBeGreaterThanOrEqual(write?.p50Ms ?? Infinity);
    const [read] = await runWorkload(spec('W4'), [target], settings);
    expect(read?.error).toBeUndefined();
    expect(read?.p50Ms).toBeUndefined();
  });

  it('computes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    const recorder = new LatencyRecorder();
    expect(recorder.summary()).toBeUndefined();
    for (const ms of [5, 1, 3]) recorder.record(ms);
    expect(recorder.summary()).toEqual({ p50: 3, p99: 5 });
    recorder.clear();
    expect(recorder.count).toBe(0);
  });
});

describe('the ratio columns and the summary', () => {
  const row = (over: Partial<Row> & Pick<Row, 'workload' | 'target' | 'kind'>): Row => ({
    name: over.workload,
    count: 1,
    median: over.rounds?.[0] ?? 0,
    min: 0,
    max: 0,
    peakRssMiB: 1,
    rounds: [],
    backend: 'sqlite',
    ...over,
  });

  it('pairs a target with the floor and peer of the same variant, and with its own one-writer rate', () => {
    const rows = withRatios([
      row({
        workload: 'W3',
        target: 'ef',
        kind: 'eventfold',
        rounds: [200, 200],
        oneWriter: 'W3-1',
      }),
      row({
        workload: 'W3',
        target: 'ef full',
        kind: 'eventfold',
        variant: 'FULL',
        rounds: [50, 50],
        oneWriter: 'W3-1',
      }),
      row({ workload: 'W3', target: 'floor', kind: 'floor', rounds: [100, 100] }),
      row({
        workload: 'W3',
        target: 'floor full',
        kind: 'floor',
        variant: 'FULL',
        rounds: [10, 10],
      }),
      row({ workload: 'W3', target: 'peer', kind: 'peer', variant: 'FULL', rounds: [5, 5] }),
      row({ workload: 'W3-1', target: 'ef', kind: 'eventfold', rounds: [100, 100] }),
      row({
        workload: 'W3-1',
        target: 'ef full',
        kind: 'eventfold',
        variant: 'FULL',
        rounds: [10, 10],
      }),
    ]);
    expect(rows[0]).toMatchObject({ vsFloor: 0.5, vsOneWriter: 2 });
    expect(rows[0]?.vsPeer).toBeUndefined();
    expect(rows[1]).toMatchObject({ vsFloor: 0.2, vsPeer: 10, vsOneWriter: 5 });
    const text = summary(rows);
    expect(text).toContain('ef: W3 = 2.00 × the raw floor (goal ≥ 2: met)');
    expect(text).toContain('ef full: W3 = 5.00 × one writer (goal ≥ 5: met)');
  });

  it('says when a goal is not met', () => {
    const rows = withRatios([
      row({
        workload: 'W3',
        target: 'pg',
        kind: 'eventfold',
        backend: 'postgres',
        rounds: [150],
        oneWriter: 'W3-1',
      }),
      row({ workload: 'W3', target: 'raw', kind: 'floor', backend: 'postgres', rounds: [100] }),
      row({
        workload: 'W3-1',
        target: 'pg',
        kind: 'eventfold',
        backend: 'postgres',
        rounds: [100],
      }),
    ]);
    const text = summary(rows);
    expect(text).toContain('pg: W3 = 1.50 × the raw floor (goal ≥ 2.5: not met)');
    expect(text).toContain('pg: W3 = 1.50 × one writer (goal ≥ 6: not met)');
  });
});
