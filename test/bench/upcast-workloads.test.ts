import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { LatencyRecorder } from '../../bench/lib/latency.js';
import { isNotSupported } from '../../bench/lib/support.js';
import { eventfoldTarget, type BenchTarget } from '../../bench/lib/targets.js';
import { UPCAST_WORKLOADS } from '../../bench/lib/workloads-upcast.js';
import { fakeTarget } from './fake-target.js';

async function runOnce(id: string, target: BenchTarget, scale: number) {
  const spec = UPCAST_WORKLOADS.find((w) => w.id === id);
  if (spec === undefined) throw new Error(`no workload ${id}`);
  const { workload, done } = spec.build(target, scale, new LatencyRecorder());
  try {
    const session = await workload.setup();
    await workload.run(session);
    await workload.run(session); // the same prefilled store serves every run
    return workload.count;
  } finally {
    await done();
  }
}

describe('the upcasting workloads', () => {
  const memory = () =>
    eventfoldTarget('eventfold memory', 'memory', (options) =>
      Promise.resolve(new InMemoryEventStore(options)),
    );

  it('U-plain and U-upcast read every event twice (streams, then the feed) on an eventfold store', async () => {
    // The runs check themselves: a short read or an event not at version 3 throws.
    expect(await runOnce('U-plain', memory(), 0.05)).toBe(2 * 10 * 100);
    expect(await runOnce('U-upcast', memory(), 0.05)).toBe(2 * 10 * 100);
  });

  it('are not supported by targets without eventfold stores', async () => {
    const error = await runOnce('U-upcast', fakeTarget(), 0.05).catch((e: unknown) => e);
    expect(isNotSupported(error)).toBe(true);
  });
});
