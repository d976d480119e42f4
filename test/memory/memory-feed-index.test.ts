import { describe, expect, it } from 'vitest';
import { MemoryFeedIndex } from '../../src/stores/memory/memory-feed-index.js';

/** An index of events 1..n whose keys come from `keyOf(seq)`. */
function indexOf(n: number, keyOf: (seq: number) => string): MemoryFeedIndex {
  const index = new MemoryFeedIndex();
  for (let seq = 1; seq <= n; seq++) index.add(keyOf(seq), seq);
  return index;
}

describe('MemoryFeedIndex', () => {
  it('yields nothing from an empty index', () => {
    const index = new MemoryFeedIndex();
    expect([...index.after(['A'], 0)]).toEqual([]);
    expect([...index.after([], 0)]).toEqual([]);
  });

  it('yields the sequence numbers of one key in order', () => {
    const index = indexOf(10, (seq) => (seq % 3 === 0 ? 'Three' : 'Other'));
    expect([...index.after(['Three'], 0)]).toEqual([3, 6, 9]);
    expect([...index.after(['Other'], 0)]).toEqual([1, 2, 4, 5, 7, 8, 10]);
  });

  it('starts after afterSeq, exclusive, at every boundary', () => {
    const index = indexOf(10, (seq) => (seq % 2 === 0 ? 'Even' : 'Odd'));
    expect([...index.after(['Even'], -1)]).toEqual([2, 4, 6, 8, 10]);
    expect([...index.after(['Even'], 1)]).toEqual([2, 4, 6, 8, 10]);
    expect([...index.after(['Even'], 2)]).toEqual([4, 6, 8, 10]);
    expect([...index.after(['Even'], 3)]).toEqual([4, 6, 8, 10]);
    expect([...index.after(['Even'], 9)]).toEqual([10]);
    expect([...index.after(['Even'], 10)]).toEqual([]);
    expect([...index.after(['Even'], 1_000)]).toEqual([]);
  });

  it('merges several keys into one increasing sequence', () => {
    const keys = ['A', 'B', 'C', 'D'];
    const index = indexOf(20, (seq) => keys[(seq * 7) % 4] as string);
    expect([...index.after(['A', 'C'], 0)]).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1).filter((seq) => ((seq * 7) % 4) % 2 === 0),
    );
    expect([...index.after(['D', 'C', 'B', 'A'], 0)]).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect([...index.after(['B', 'D'], 13)]).toEqual([15, 17, 19]);
  });

  it('ignores keys it never saw', () => {
    const index = indexOf(5, () => 'Known');
    expect([...index.after(['Unknown'], 0)]).toEqual([]);
    expect([...index.after(['Unknown', 'Known', 'Missing'], 2)]).toEqual([3, 4, 5]);
  });

  it('keeps gaps between sequence numbers', () => {
    const index = new MemoryFeedIndex();
    for (const seq of [5, 17, 18, 400]) index.add('Sparse', seq);
    index.add('Other', 6);
    index.add('Other', 401);
    expect([...index.after(['Sparse'], 5)]).toEqual([17, 18, 400]);
    expect([...index.after(['Sparse', 'Other'], 0)]).toEqual([5, 6, 17, 18, 400, 401]);
    expect([...index.after(['Sparse', 'Other'], 399)]).toEqual([400, 401]);
  });

  it('is lazy: a consumer may stop early, and later adds are seen by new iterations', () => {
    const index = indexOf(1_000, (seq) => (seq % 2 === 0 ? 'Even' : 'Odd'));
    const iterator = index.after(['Even', 'Odd'], 0);
    expect([iterator.next().value, iterator.next().value, iterator.next().value]).toEqual([
      1, 2, 3,
    ]);
    index.add('Odd', 1_001);
    expect([...index.after(['Odd'], 997)]).toEqual([999, 1_001]);
  });

  it('finds where to start among a million entries', () => {
    const index = indexOf(1_000_000, (seq) => (seq % 1_000 === 0 ? 'Rare' : 'Common'));
    expect([...index.after(['Rare'], 997_000)]).toEqual([998_000, 999_000, 1_000_000]);
    const firstCommon = index.after(['Common'], 999_998).next();
    expect(firstCommon).toEqual({ done: false, value: 999_999 });
  });
});
