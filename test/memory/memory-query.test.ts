import { describe, expect, it } from 'vitest';
import { eventMatchesQuery, normalizeEventQuery } from '../../src/core/event-query.js';
import { MemoryFeedIndex } from '../../src/stores/memory/memory-feed-index.js';
import { matchingSeqs, type QueryableRow } from '../../src/stores/memory/memory-query.js';

/** Indexes over `rows` (seq = index + 1) that count the rows the query looks at. */
function indexed(rows: QueryableRow[]) {
  const byType = new MemoryFeedIndex();
  const byTag = new MemoryFeedIndex();
  rows.forEach((row, i) => {
    byType.add(row.type, i + 1);
    for (const tag of row.tags) byTag.add(tag, i + 1);
  });
  let looked = 0;
  return {
    indexes: {
      rowAt: (seq: number) => {
        looked++;
        return rows[seq - 1] as QueryableRow;
      },
      head: () => rows.length,
      byType,
      byTag,
    },
    looked: () => looked,
  };
}

const rows: QueryableRow[] = Array.from({ length: 1000 }, (_, i) => ({
  type: i % 2 === 0 ? 'Even' : 'Odd',
  tags: [`mod7:${i % 7}`, `mod5:${i % 5}`, ...(i === 500 ? ['rare'] : [])],
}));

describe('in-memory query matching', () => {
  it('agrees with eventMatchesQuery on every kind of query, in order, each event once', () => {
    const queries = [
      { items: [] },
      { items: [{ types: ['Even'] }] },
      { items: [{ tags: ['mod7:3'] }] },
      { items: [{ tags: ['mod7:3', 'mod5:2'] }] },
      { items: [{ types: ['Odd'], tags: ['mod5:1'] }] },
      { items: [{ tags: ['mod7:1'] }, { tags: ['mod5:1'] }, { types: ['Odd'], tags: ['mod7:1'] }] },
      { items: [{ tags: ['missing'] }] },
    ];
    const { indexes } = indexed(rows);
    for (const raw of queries) {
      const query = normalizeEventQuery(raw, 'query');
      for (const after of [0, 10, 999, 1000]) {
        const expected = rows
          .map((row, i) => ({ row, seq: i + 1 }))
          .filter(({ row, seq }) => seq > after && eventMatchesQuery(query, row.type, row.tags))
          .map(({ seq }) => seq);
        expect([...matchingSeqs(query, after, indexes)], JSON.stringify(raw)).toEqual(expected);
      }
    }
  });

  it('a tag query looks only at the events of its rarest tag', () => {
    const { indexes, looked } = indexed(rows);
    const query = normalizeEventQuery(
      { items: [{ types: ['Even'], tags: ['mod7:3', 'rare'] }] },
      'q',
    );
    expect([...matchingSeqs(query, 0, indexes)]).toEqual([501]);
    expect(looked()).toBe(1);
  });
});
