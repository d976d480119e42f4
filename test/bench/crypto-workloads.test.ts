import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../bench/lib/latency.js';
import { isNotSupported } from '../../bench/lib/support.js';
import { eventfoldTarget, type BenchTarget } from '../../bench/lib/targets.js';
import { CRYPTO_WORKLOADS } from '../../bench/lib/workloads-crypto.js';
import { InMemoryEventStore } from '../../src/index.js';

async function runOnce(id: string, target: BenchTarget, scale: number) {
  const spec = CRYPTO_WORKLOADS.find((w) => w.id === id);
  if (spec === undefined) throw new Error(`no workload ${id}`);
  const { workload, done } = spec.build(target, scale, new LatencyRecorder());
  try {
    const session = await workload.setup();
    await workload.run(session);
    await workload.run(session);
    return workload.count;
  } finally {
    await done();
  }
}

const memory = eventfoldTarget('eventfold memory', 'memory', () =>
  Promise.resolve(new InMemoryEventStore()),
);

describe('the CRYPTO workloads', () => {
  it('read every filled event twice (by stream and by feed), encrypted or not, on SQLite too', async () => {
    for (const id of ['CRYPTO-PLAIN', 'CRYPTO-READ']) {
      expect(await runOnce(id, memory, 0.1)).toBe(2 * 2 * 100);
      expect(await runOnce(id, { ...memory, backend: 'sqlite' }, 0.05)).toBe(2 * 100);
    }
  });

  it('are not supported by peers, floors and store variants', async () => {
    for (const target of [
      { ...memory, kind: 'peer' as const },
      { ...memory, variant: 'FULL' },
    ]) {
      const error = await runOnce('CRYPTO-READ', target, 0.05).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isNotSupported(error)).toBe(true);
    }
  });
});
