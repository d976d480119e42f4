/**
 * Sorted lists of global sequence numbers per event type and per category, so
 * filtered reads of the in-memory feed skip non-matching events instead of
 * scanning them.
 */
export class MemoryFeedIndex {
  readonly #lists = new Map<string, number[]>();

  /** Records that event `seq` (increasing across calls) has `key`. */
  add(key: string, seq: number): void {
    const list = this.#lists.get(key);
    if (list === undefined) this.#lists.set(key, [seq]);
    else list.push(seq);
  }

  /** Forgets that event `seq` has `key` (a scavenge removed it). */
  remove(key: string, seq: number): void {
    const list = this.#lists.get(key);
    if (list === undefined) return;
    const at = firstAfter(list, seq - 1);
    if (list[at] === seq) list.splice(at, 1);
    if (list.length === 0) this.#lists.delete(key);
  }

  /** The sequence numbers carried by `key`, ascending (empty when none; do not modify). */
  list(key: string): readonly number[] {
    return this.#lists.get(key) ?? NONE;
  }

  /**
   * Yields, in increasing order, the sequence numbers after `afterSeq` carried
   * by any of `keys` (a k-way merge of the per-key lists).
   */
  *after(keys: readonly string[], afterSeq: number): Generator<number> {
    const cursors: { list: number[]; i: number }[] = [];
    for (const key of keys) {
      const list = this.#lists.get(key);
      if (list !== undefined) cursors.push({ list, i: firstAfter(list, afterSeq) });
    }
    for (;;) {
      let best: { list: number[]; i: number } | undefined;
      for (const c of cursors) {
        if (
          c.i < c.list.length &&
          (best === undefined || (c.list[c.i] as number) < (best.list[best.i] as number))
        ) {
          best = c;
        }
      }
      if (best === undefined) return;
      yield best.list[best.i++] as number;
    }
  }
}

const NONE: readonly number[] = Object.freeze([]);

/** Index of the first element greater than `value` in an ascending list. */
export function firstAfter(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
