import type { NormalizedQuery, NormalizedQueryItem } from '../../core/event-query.js';
import { firstAfter, type MemoryFeedIndex } from './memory-feed-index.js';

/** What the in-memory query needs to know of a stored event. */
export interface QueryableRow {
  readonly type: string;
  readonly tags: readonly string[];
}

/** The in-memory indexes a query is answered from. */
export interface QueryIndexes {
  /** The row of global sequence number `seq` (1-based); `undefined` where a scavenge removed it. */
  readonly rowAt: (seq: number) => QueryableRow | undefined;
  /** The last sequence number stored (0 when empty). */
  readonly head: () => number;
  readonly byType: MemoryFeedIndex;
  readonly byTag: MemoryFeedIndex;
}

/**
 * Yields, in increasing order and once each, the sequence numbers after
 * `afterSeq` of the events matching `query` (the definition of
 * `eventMatchesQuery`). An item with tags walks the list of its rarest tag and
 * checks the rest; an item with types only walks the type index; so a query
 * never scans events that carry none of its tags or types.
 */
export function* matchingSeqs(
  query: NormalizedQuery,
  afterSeq: number,
  indexes: QueryIndexes,
): Generator<number> {
  if (query.items.length === 0) {
    const head = indexes.head();
    for (let seq = afterSeq + 1; seq <= head; seq++)
      if (indexes.rowAt(seq) !== undefined) yield seq;
    return;
  }
  const cursors = query.items.map((item) => itemSeqs(item, afterSeq, indexes));
  const heads = cursors.map((c) => c.next());
  let last = afterSeq;
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i] as IteratorResult<number>;
      if (!h.done && (best === -1 || h.value < (heads[best] as IteratorYieldResult<number>).value))
        best = i;
    }
    if (best === -1) return;
    const seq = (heads[best] as IteratorYieldResult<number>).value;
    heads[best] = (cursors[best] as Generator<number>).next();
    if (seq > last) {
      last = seq;
      yield seq;
    }
  }
}

function* itemSeqs(
  item: NormalizedQueryItem,
  afterSeq: number,
  { rowAt, byType, byTag }: QueryIndexes,
): Generator<number> {
  if (item.tags.length === 0) {
    yield* byType.after(item.types ?? [], afterSeq);
    return;
  }
  let rarest = byTag.list(item.tags[0] as string);
  for (const tag of item.tags) {
    const list = byTag.list(tag);
    if (list.length < rarest.length) rarest = list;
  }
  const types = item.types;
  for (let i = firstAfter(rarest, afterSeq); i < rarest.length; i++) {
    const seq = rarest[i] as number;
    const row = rowAt(seq);
    if (row === undefined) continue;
    if (types !== undefined && !types.includes(row.type)) continue;
    if (item.tags.every((tag) => row.tags.includes(tag))) yield seq;
  }
}
