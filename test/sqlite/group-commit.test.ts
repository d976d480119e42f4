/**
 * Group commit on SQLite, seen from the WAL: appends started together through
 * one store share one `BEGIN IMMEDIATE … COMMIT` (one commit frame), each
 * still checked on its own, and each resolves only once that commit is done.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AppendConditionError, ConcurrencyError, DatabaseError } from '../../src/index.js';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';
import { inspectWal } from './support/wal-frames.js';

const dir = createTempDir();
afterAll(() => dir.remove());

/** A store on a new file whose WAL is never checkpointed during the test, so its commits can be counted. */
function openCounted(synchronous: 'NORMAL' | 'FULL'): {
  store: SqliteEventStore;
  commits: () => number;
} {
  const file = dir.file();
  const store = new SqliteEventStore(file, { synchronous });
  store.database.pragma('wal_autocheckpoint = 0');
  return { store, commits: () => inspectWal(`${file}-wal`).commits };
}

describe('SQLite group commit', () => {
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    it(`commits 16 appends started together in one transaction (${synchronous}), each checked on its own`, async () => {
      const { store, commits } = openCounted(synchronous);
      try {
        await store.append('warm-up', [{ type: 'W', data: {} }]);
        const before = commits();
        const query = { items: [{ tags: ['seat:1'] }] };
        const outcomes = await Promise.allSettled([
          ...Array.from({ length: 13 }, (_, i) =>
            store.append(`s-${i}`, [{ type: 'A', data: { i } }], { expectedVersion: 'no_stream' }),
          ),
          store.append('s-0', [{ type: 'A', data: {} }], { expectedVersion: 'no_stream' }), // s-0 is taken above
          store.append('claim-1', [{ type: 'C', data: {}, tags: ['seat:1'] }], {
            condition: { failIfEventsMatch: query },
          }),
          store.append('claim-2', [{ type: 'C', data: {}, tags: ['seat:1'] }], {
            condition: { failIfEventsMatch: query }, // sees claim-1, earlier in the same commit
          }),
        ]);
        expect(commits() - before).toBe(1);
        expect(outcomes.map((o) => o.status)).toEqual([
          ...Array<string>(13).fill('fulfilled'),
          'rejected',
          'fulfilled',
          'rejected',
        ]);
        const reasons: unknown[] = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [o.reason as unknown] : [],
        );
        expect(ConcurrencyError.is(reasons[0])).toBe(true);
        expect(AppendConditionError.is(reasons[1])).toBe(true);
        expect((await store.readAll().toArray()).length).toBe(1 + 13 + 1);
      } finally {
        await store.close();
      }
    });
  }

  it('keeps a lone sequential writer at one commit per append, without waiting for company', async () => {
    const { store, commits } = openCounted('NORMAL');
    try {
      await store.append('warm-up', [{ type: 'W', data: {} }]);
      const before = commits();
      for (let i = 0; i < 10; i++) await store.append('lone', [{ type: 'L', data: { i } }]);
      expect(commits() - before).toBe(10);
    } finally {
      await store.close();
    }
  });

  it('fails a whole group at once when the file stays locked past the busy timeout (no wait per append)', async () => {
    const file = dir.file();
    const store = new SqliteEventStore(file, { busyTimeout: 1000 });
    const holder = new SqliteEventStore(file);
    try {
      await store.append('warm-up', [{ type: 'W', data: {} }]);
      holder.database.exec('BEGIN IMMEDIATE'); // another connection holds the write lock
      const started = Date.now();
      const outcomes = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map((s) => store.append(s, [{ type: 'A', data: {} }])),
      );
      const ms = Date.now() - started;
      expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
      for (const o of outcomes)
        expect(DatabaseError.is((o as PromiseRejectedResult).reason)).toBe(true);
      // One busy timeout for the group, not one more per append retried alone.
      expect(ms).toBeLessThan(2.5 * 1000);
      holder.database.exec('ROLLBACK');
      expect(await store.readAll().toArray()).toHaveLength(1);
    } finally {
      await holder.close();
      await store.close();
    }
  });
});
