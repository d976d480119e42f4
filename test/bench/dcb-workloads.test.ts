import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../bench/lib/latency.js';
import { DCB_WORKLOADS, operations, speedrunShape } from '../../bench/lib/workloads-dcb.js';
import { fakeTarget } from './fake-target.js';

async function runOnce(id: string, target: ReturnType<typeof fakeTarget>, scale: number) {
  const spec = DCB_WORKLOADS.find((w) => w.id === id);
  if (spec === undefined) throw new Error(`no workload ${id}`);
  const ops = new LatencyRecorder();
  const { workload, done } = spec.build(target, scale, ops);
  const session = await workload.setup();
  await workload.run(session);
  await workload.teardown?.(session);
  await done();
  return { count: workload.count, ops };
}

describe('the DCB workloads', () => {
  it('DCB-1 makes one conditional append per operation and keeps the course rules', async () => {
    const target = fakeTarget();
    const { count, ops } = await runOnce('DCB-1', target, 0.05); // 100 subscriptions
    const shape = speedrunShape(100);
    expect(count).toBe(operations(shape));
    expect(ops.count).toBe(count);
    expect(target.log.conditionChecks).toBe(count);
    const types = target.log.events.map((e) => e.event.type);
    expect(types.filter((t) => t === 'CourseDefined')).toHaveLength(shape.courses);
    expect(types.filter((t) => t === 'StudentRegistered')).toHaveLength(shape.students);
    const subscribed = target.log.events.filter((e) => e.event.type === 'StudentSubscribed');
    expect(subscribed).toHaveLength(100);
    const perCourse = new Map<string, number>();
    const pairs = new Set<string>();
    for (const { event } of subscribed) {
      const [course, student] = event.tags ?? [];
      perCourse.set(course ?? '', (perCourse.get(course ?? '') ?? 0) + 1);
      pairs.add(`${course}/${student}`);
    }
    expect(Math.max(...perCourse.values())).toBeLessThanOrEqual(10);
    expect(pairs.size).toBe(100);
  });

  it('DCB-1 fails when a lone writer sees its condition fail (the store is wrong)', async () => {
    await expect(runOnce('DCB-1', fakeTarget({ staleConditions: 1 }), 0.01)).rejects.toThrow(
      "a lone writer's condition failed 1 times",
    );
  });

  it('DCB-16 runs 16 interleaved writers and decides again when a condition fails', async () => {
    const target = fakeTarget({ staleConditions: 3 });
    const { count, ops } = await runOnce('DCB-16', target, 0.08); // 10 subscriptions per writer
    expect(count).toBe(16 * operations(speedrunShape(10)));
    expect(ops.count).toBe(count);
    expect(target.log.conditionChecks).toBe(count + 3);
    expect(target.log.events).toHaveLength(count);
  });
});
