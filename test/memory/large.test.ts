import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';

describe('in-memory store at scale', () => {
  it('holds 1,000,000 events and serves filtered feed pages from its indexes', async () => {
    const store = new InMemoryEventStore();
    const batch = 1_000;
    for (let b = 0; b < 1_000; b++) {
      const category = b % 100 === 0 ? 'Rare' : 'Common';
      await store.append(
        `${category}-${b}`,
        Array.from({ length: batch }, (_, i) => ({
          type: i % 500 === 0 ? 'Marker' : 'Tick',
          data: { b, i },
        })),
      );
    }
    expect(await store.getVersion('Common-999')).toBe(1_000);
    const rare = await store.readAll({ categories: ['Rare'] }).toArray();
    expect(rare).toHaveLength(10 * batch);
    const markers = await store.readAll({ types: ['Marker'], categories: ['Rare'] }).toArray();
    expect(markers.map((e) => e.streamId)).toEqual(
      Array.from({ length: 10 }, (_, k) => [`Rare-${k * 100}`, `Rare-${k * 100}`]).flat(),
    );
    const tail = await store.readAllPage({
      after: rare.at(-1)?.position,
      types: ['Marker'],
      limit: 3,
    });
    expect(tail.events.map((e) => e.streamId)).toEqual(['Common-901', 'Common-901', 'Common-902']);
    let count = 0;
    for await (const _ of store.readAll({ batchSize: 10_000 })) count++;
    expect(count).toBe(1_000_000);
    const last = await store.read('Common-999', { direction: 'backward', limit: 1 });
    expect(last.events[0]?.data).toEqual({ b: 999, i: 999 });
    await store.close();
  });
});
