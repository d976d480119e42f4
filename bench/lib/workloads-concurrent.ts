import { concurrentWriters, freshPerRun, size, type WorkloadSpec } from './workloads.js';

/** The concurrent write workloads beside W3: 100 writers, and Eventuali's shape saved concurrently. */
export const CONCURRENT_WORKLOADS: readonly WorkloadSpec[] = [
  {
    id: 'W3-100',
    title: '100 concurrent writers, single-event appends with expected versions (PostgreSQL)',
    write: true,
    backends: ['postgres'],
    oneWriter: 'W3-1',
    build: (t, scale, ops) => concurrentWriters(t, 'W3-100', 100, size(40, scale), ops),
  },
  {
    id: 'S-save-10',
    title: "Eventuali's shape saved by its 10 aggregates concurrently (100 small events each)",
    write: true,
    oneWriter: 'S-save',
    build: (t, _scale, ops) =>
      freshPerRun(t, 'S-save-10', 1_000, async (s) => {
        await Promise.all(
          Array.from({ length: 10 }, async (_, a) => {
            for (let v = 0; v < 100; v++) {
              await ops.time(() =>
                s.appendAt(`User-${a}`, v, [
                  { type: 'CounterIncremented', data: { by: 1, at: v } },
                ]),
              );
            }
          }),
        );
      }),
  },
];
