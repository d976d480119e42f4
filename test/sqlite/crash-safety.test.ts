import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { killWriterMidTransaction } from './support/kill-writer-mid-transaction.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();
afterAll(() => dir.remove());

/** Events per append: 300 × 8 KiB, about 650 pages of 4 KiB once stored. */
const BATCH = 300;
/**
 * The writer's page cache, in pages (256 KiB). better-sqlite3's default cache
 * (16 MB) holds a whole batch until its commit; a cache this small makes
 * SQLite spill a batch's pages to the WAL while its transaction is open.
 */
const CACHE_PAGES = 64;
/**
 * Uncommitted frames in the WAL that trigger the kill. A commit writes out at
 * most the pages still in the cache, so three times the cache can only come
 * from pages spilled before the commit began.
 */
const KILL_AT_FRAMES = 3 * CACHE_PAGES;
const KILLS = ['NORMAL', 'NORMAL', 'FULL', 'FULL'] as const;

interface BatchData {
  batch: number;
  index: number;
  of: number;
}

/** The batches in the stream, each with the indexes of its events in stream order. */
function batchesOf(events: readonly { data: unknown }[]): Map<number, number[]> {
  const batches = new Map<number, number[]>();
  for (const event of events) {
    const data = event.data as BatchData;
    batches.set(data.batch, [...(batches.get(data.batch) ?? []), data.index]);
  }
  return batches;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

describe('SQLite crash safety', () => {
  it('a SIGKILL while an append has uncommitted frames in the WAL loses that append whole, keeps every committed one, and the store stays usable', async () => {
    const file = dir.file();
    const expectedBatches: number[] = [];
    let nextBatch = 0;
    let spilledKills = 0;
    for (const [kill, synchronous] of KILLS.entries()) {
      const firstBatch = nextBatch;
      const run = await killWriterMidTransaction({
        file,
        stream: 'crash-1',
        firstBatch,
        batchSize: BATCH,
        synchronous,
        cachePages: CACHE_PAGES,
        afterCommits: 3,
        killAtFrames: KILL_AT_FRAMES,
        timeoutMs: 10_000,
      });
      expect(run.signal).toBe('SIGKILL');
      expect(run.cacheSize).toBe(CACHE_PAGES);
      // The writer was inside the append after its last acknowledged one.
      const inFlight = firstBatch + run.committed.length;
      expect(run.committed).toEqual(range(firstBatch, inFlight));
      expect(run.lastLine).toBe(`begin ${inFlight}`);
      // It was killed with that append's spilled pages in the WAL: seen live, and still there after the kill.
      expect(run.framesSeenLive, `kill ${kill}`).toBeGreaterThanOrEqual(KILL_AT_FRAMES);
      expect(run.wal.uncommitted, `kill ${kill}`).toBeGreaterThanOrEqual(run.framesSeenLive);
      if (run.wal.uncommitted > CACHE_PAGES) spilledKills++;
      expectedBatches.push(...run.committed);

      const db = new Database(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const store = new SqliteEventStore(file);
      const stream = await store.read('crash-1');
      expect(stream.events.map((e) => e.version)).toEqual(range(1, stream.version + 1));
      const batches = batchesOf(stream.events);
      // Exactly the acknowledged batches (and the probes), each whole; nothing of the killed append.
      expect([...batches.keys()]).toEqual(expectedBatches);
      for (const [batch, indexes] of batches) {
        expect(indexes, `batch ${batch}`).toEqual(range(0, BATCH));
      }
      expect(batches.has(inFlight)).toBe(false);
      expect(stream.version).toBe(expectedBatches.length * BATCH);

      // Still appendable (a whole batch, numbered like the one that was lost), and the feed agrees.
      const probe = range(0, BATCH).map((index) => ({
        type: 'Probe',
        data: { batch: inFlight, index, of: BATCH },
      }));
      const result = await store.append('crash-1', probe, { expectedVersion: stream.version });
      expect(result.version).toBe(stream.version + BATCH);
      expectedBatches.push(inFlight);
      const feed = await store.readAll({ batchSize: 1000 }).toArray();
      expect(feed.map((e) => e.version)).toEqual(range(1, result.version + 1));
      await store.close();
      nextBatch = inFlight + 1;
    }
    // Every kill landed while the WAL held more of an open transaction than the cache can hold.
    expect(spilledKills).toBe(KILLS.length);
    expect(expectedBatches.length).toBeGreaterThanOrEqual(KILLS.length * 4);
  });
});
