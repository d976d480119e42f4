/**
 * The NATS rows of the benchmark, on the machine's NATS server at a tiny scale: eventfold's
 * NatsEventStore and the raw floor run every workload of bench/nats.ts (the floor has no DCB),
 * their sessions read back what they wrote, and the cleanup leaves no stream or bucket behind.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { natsTargets } from '../../bench/lib/nats-targets.js';
import { runWorkload } from '../../bench/lib/runner.js';
import type { BenchTarget } from '../../bench/lib/targets.js';
import { CONCURRENT_WORKLOADS } from '../../bench/lib/workloads-concurrent.js';
import { CRYPTO_WORKLOADS } from '../../bench/lib/workloads-crypto.js';
import { DCB_WORKLOADS } from '../../bench/lib/workloads-dcb.js';
import { WORKLOADS } from '../../bench/lib/workloads.js';
import { beforeAllOrFail } from '../support/before-all-or-fail.js';

const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

let nc: NatsConnection;
beforeAllOrFail(async () => {
  nc = await connect({ servers: NATS_URL });
});
afterAll(() => nc?.close());

/** The names of the server's streams that a bench target made. */
async function benchStreams(): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const info of jsm.streams.list()) {
    if (/^(KV_)?bench_|^BENCH_FLOOR_/.test(info.config.name)) names.push(info.config.name);
  }
  return names;
}

function target(targets: readonly BenchTarget[], kind: BenchTarget['kind']): BenchTarget {
  const found = targets.find((t) => t.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} target`);
  return found;
}

describe('the NATS bench targets', () => {
  it('write and read back the same events, eventfold and floor alike', async () => {
    const before = new Set(await benchStreams());
    const { targets, cleanup } = natsTargets(NATS_URL);
    try {
      for (const t of [target(targets, 'eventfold'), target(targets, 'floor')]) {
        const s = await t.open();
        try {
          await s.appendNew('Order-1', [
            { type: 'Placed', data: { index: 1 } },
            { type: 'Paid', data: { index: 2 } },
          ]);
          await s.appendAt('Order-1', 2, [{ type: 'Shipped', data: { index: 3 } }]);
          await s.appendNew('Order-2', [{ type: 'Placed', data: { index: 4 } }]);
          // A stale expected version is refused by both.
          await expect(
            s.appendAt('Order-1', 0, [{ type: 'Late', data: { index: 0 } }]),
          ).rejects.toThrow();
          expect(await s.readStream('Order-1')).toBe(3);
          expect(await s.readFeed?.(2)).toBe(4);
          const folded = await s.fold('Order-1', [] as string[], (state, e) => [...state, e.type]);
          expect(folded, t.name).toEqual(['Placed', 'Paid', 'Shipped']);
        } finally {
          await s.close();
        }
      }
    } finally {
      await cleanup();
    }
    expect((await benchStreams()).filter((name) => !before.has(name))).toEqual([]);
  });

  /** Runs workloads on every NATS target; resolves to the failures (not the floor's missing DCB). */
  async function runAll(ids: (id: string) => boolean, scale: number): Promise<string[]> {
    const before = new Set(await benchStreams());
    const { targets, cleanup } = natsTargets(NATS_URL);
    const failures: string[] = [];
    try {
      for (const spec of [
        ...WORKLOADS,
        ...CONCURRENT_WORKLOADS,
        ...DCB_WORKLOADS,
        ...CRYPTO_WORKLOADS,
      ].filter((w) => (w.backends?.includes('nats') ?? true) && ids(w.id))) {
        for (const row of await runWorkload(spec, targets, { scale, runs: 1, warmup: 0 })) {
          if (row.error === undefined)
            expect(row.median, `${row.workload} ${row.target}`).toBeGreaterThan(0);
          else if (!(row.unsupported === true && row.kind === 'floor'))
            failures.push(`${row.workload} ${row.target}: ${row.error}`);
        }
      }
    } finally {
      await cleanup();
    }
    expect((await benchStreams()).filter((name) => !before.has(name))).toEqual([]);
    return failures;
  }

  it('run every workload of bench/nats.ts; only DCB is missing from the floor', async () => {
    expect(await runAll((id) => id !== 'DCB-16', 0.002)).toEqual([]);
  });

  // 16 writers reading by query then appending with conditions, on one store: each must see its
  // own acknowledged appends (a read by query that missed one would let a condition pass wrongly).
  it('DCB-16: every concurrent writer reads its own appends back by query, run after run', async () => {
    for (let run = 0; run < 4; run++)
      expect(await runAll((id) => id === 'DCB-16', 0.02), `run ${run}`).toEqual([]);
  });
});
