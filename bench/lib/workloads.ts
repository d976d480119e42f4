import type { LatencyRecorder } from './latency.js';
import { payload200, type Workload } from './measure.js';
import type { Backend, BenchEvent, BenchTarget, TargetSession } from './targets.js';

/** A workload, buildable for any target. */
export interface WorkloadSpec {
  readonly id: string;
  readonly title: string;
  /** A write workload: its operations' p50/p99 latency is reported beside the throughput. */
  readonly write?: boolean;
  /** Only these backends run it (default: every backend). */
  readonly backends?: readonly Backend[];
  /** The id of the same operations from one writer: the table shows this rate ÷ that one's. */
  readonly oneWriter?: string;
  /**
   * Builds the workload for a target; `done` releases what it kept between runs.
   * Write workloads time each operation with `ops`.
   */
  build(
    target: BenchTarget,
    scale: number,
    ops: LatencyRecorder,
  ): { workload: Workload<TargetSession>; done: () => Promise<void> };
}

/** A 200-byte `TaskUpdated` event. */
export const big = (i: number): BenchEvent => ({ type: 'TaskUpdated', data: payload200(i) });
/** `base` scaled, at least 1. */
export const size = (base: number, scale: number): number => Math.max(1, Math.round(base * scale));

/** Opens fresh storage for every run and closes it after. */
export function freshPerRun(
  target: BenchTarget,
  name: string,
  count: number,
  run: (s: TargetSession) => Promise<void>,
) {
  return {
    workload: {
      name,
      count,
      setup: () => target.open(),
      run,
      teardown: (s: TargetSession) => s.close(),
    },
    done: () => Promise.resolve(),
  };
}

/** Fills storage once (streams × 100 events), then runs a read-only workload on it every run. */
function prefilled(
  target: BenchTarget,
  name: string,
  streams: number,
  run: (s: TargetSession, streams: number) => Promise<void>,
) {
  let session: Promise<TargetSession> | undefined;
  const fill = async () => {
    const s = await target.open();
    for (let i = 0; i < streams; i++) {
      await s.appendNew(
        `Order-${i}`,
        Array.from({ length: 100 }, (_, k) => big(i * 100 + k)),
      );
    }
    return s;
  };
  return {
    workload: {
      name,
      count: streams * 100,
      setup: () => (session ??= fill()),
      run: (s: TargetSession) => run(s, streams),
    },
    done: async () => {
      if (session !== undefined) await (await session).close();
    },
  };
}

/** W1–W6 and the shape of Eventuali's published figures. */
export const WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'W1',
    title: 'single-event appends to 10,000 new streams',
    write: true,
    build: (t, scale, ops) => {
      const n = size(10_000, scale);
      return freshPerRun(t, 'W1', n, async (s) => {
        for (let i = 0; i < n; i++) await ops.time(() => s.appendNew(`Task-${i}`, [big(i)]));
      });
    },
  },
  {
    id: 'W2',
    title: '100-event appends to 1,000 new streams',
    write: true,
    build: (t, scale, ops) => {
      const n = size(1_000, scale);
      const batches = Array.from({ length: n }, (_, s) =>
        Array.from({ length: 100 }, (_, k) => big(s * 100 + k)),
      );
      return freshPerRun(t, 'W2', n * 100, async (s) => {
        for (let i = 0; i < n; i++)
          await ops.time(() => s.appendNew(`Order-${i}`, batches[i] as BenchEvent[]));
      });
    },
  },
  {
    id: 'W3',
    title: '16 concurrent writers, single-event appends with expected versions',
    write: true,
    oneWriter: 'W3-1',
    build: (t, scale, ops) => concurrentWriters(t, 'W3', 16, size(250, scale), ops),
  },
  {
    id: 'W3-1',
    title: 'the same appends from one writer (W3 baseline)',
    write: true,
    build: (t, scale, ops) => {
      const perWriter = size(250, scale);
      return freshPerRun(t, 'W3-1', 16 * perWriter, async (s) => {
        for (let w = 0; w < 16; w++)
          for (let v = 0; v < perWriter; v++)
            await ops.time(() => s.appendAt(`Writer-${w}`, v, [big(v)]));
      });
    },
  },
  {
    id: 'W4',
    title: 'full reads of 1,000 streams of 100 events',
    build: (t, scale) =>
      prefilled(t, 'W4', size(1_000, scale), async (s, streams) => {
        for (let i = 0; i < streams; i++)
          if ((await s.readStream(`Order-${i}`)) !== 100) throw new Error('short read');
      }),
  },
  {
    id: 'W5',
    title: 'the global feed of 100,000 events, in pages of 500',
    build: (t, scale) =>
      prefilled(t, 'W5', size(1_000, scale), async (s, streams) => {
        if (s.readFeed === undefined) throw new Error('no global feed');
        const count = await s.readFeed(500);
        if (count !== streams * 100) throw new Error(`feed returned ${count} events`);
      }),
  },
  {
    id: 'W6',
    title: 'aggregate rehydration: fold 1,000 streams of 100 events',
    build: (t, scale) =>
      prefilled(t, 'W6', size(1_000, scale), async (s, streams) => {
        for (let i = 0; i < streams; i++) {
          const state = await s.fold(`Order-${i}`, { count: 0, last: 0 }, (st, e) => ({
            count: st.count + 1,
            last: (e.data as { index: number }).index,
          }));
          if (state.count !== 100) throw new Error('short fold');
        }
      }),
  },
  {
    id: 'S-save',
    title: "Eventuali's shape: 10 aggregates × 100 small events saved one by one",
    write: true,
    build: (t, _scale, ops) =>
      freshPerRun(t, 'S-save', 1_000, async (s) => {
        for (let a = 0; a < 10; a++) {
          for (let v = 0; v < 100; v++) {
            await ops.time(() =>
              s.appendAt(`User-${a}`, v, [{ type: 'CounterIncremented', data: { by: 1, at: v } }]),
            );
          }
        }
      }),
  },
  {
    id: 'S-load',
    title: "Eventuali's shape: the 10 aggregates loaded, 20 times (events folded)",
    build: (t) => {
      let session: Promise<TargetSession> | undefined;
      const fill = async () => {
        const s = await t.open();
        for (let a = 0; a < 10; a++) {
          await s.appendNew(
            `User-${a}`,
            Array.from({ length: 100 }, (_, v) => ({
              type: 'CounterIncremented',
              data: { by: 1, at: v },
            })),
          );
        }
        return s;
      };
      return {
        workload: {
          name: 'S-load',
          count: 20 * 1_000,
          setup: () => (session ??= fill()),
          run: async (s: TargetSession) => {
            // 20 rounds of loading the 10 aggregates, so that one run is long enough to time.
            for (let round = 0; round < 20; round++) {
              for (let a = 0; a < 10; a++)
                await s.fold(`User-${a}`, 0, (n, e) => n + (e.data as { by: number }).by);
            }
          },
        },
        done: async () => {
          if (session !== undefined) await (await session).close();
        },
      };
    },
  },
];

/**
 * `writers` concurrent writers, each appending `perWriter` single events to its own
 * stream with exact expected versions (W3's shape).
 */
export function concurrentWriters(
  target: BenchTarget,
  name: string,
  writers: number,
  perWriter: number,
  ops: LatencyRecorder,
): ReturnType<typeof freshPerRun> {
  return freshPerRun(target, name, writers * perWriter, async (s) => {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let v = 0; v < perWriter; v++)
          await ops.time(() => s.appendAt(`Writer-${w}`, v, [big(v)]));
      }),
    );
  });
}
