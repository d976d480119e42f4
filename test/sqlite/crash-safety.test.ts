import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';
import { fixture, startScript, waitForExit } from './support/run-script.js';

const dir = createTempDir();
afterAll(() => dir.remove());

/** Events per append: 300 × 8 KiB, more than SQLite's default 2 MiB page cache. */
const BATCH = 300;

interface BatchData {
  batch: number;
  index: number;
  of: number;
}

/**
 * Starts a writer, waits until it has committed three batches, then SIGKILLs
 * it at a random moment within about one append's duration. Returns the
 * batches it acknowledged and whether it was inside an append when killed.
 */
async function killMidStream(file: string, firstBatch: number, synchronous: 'NORMAL' | 'FULL') {
  const child = startScript(fixture('crash-writer.ts'), [
    file,
    'crash-1',
    String(firstBatch),
    String(BATCH),
    synchronous,
  ]);
  const exited = waitForExit(child);
  const committed: number[] = [];
  let last = '';
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        last = line;
        const [word, batch, ms] = line.split(' ');
        if (word !== 'committed') continue;
        committed.push(Number(batch));
        if (committed.length === 3) setTimeout(resolve, Math.floor(Math.random() * Number(ms)));
      }
    });
    void exited.then((r) => reject(new Error(`writer exited early: ${r.code} ${r.stderr}`)));
  });
  child.kill('SIGKILL');
  const result = await exited;
  expect(result.signal).toBe('SIGKILL');
  return { committed, midAppend: last.startsWith('begin') };
}

describe('SQLite crash safety', () => {
  it('an append killed with SIGKILL mid-stream is all or nothing, and the store stays usable', async () => {
    const file = dir.file();
    let nextBatch = 0;
    const acknowledged = new Set<number>();
    let killedMidAppend = 0;
    for (const synchronous of ['NORMAL', 'NORMAL', 'FULL', 'FULL'] as const) {
      const { committed, midAppend } = await killMidStream(file, nextBatch, synchronous);
      for (const b of committed) acknowledged.add(b);
      if (midAppend) killedMidAppend++;

      const db = new Database(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();

      const store = new SqliteEventStore(file);
      const stream = await store.read('crash-1');
      expect(stream.events.map((e) => e.version)).toEqual(
        Array.from({ length: stream.version }, (_, i) => i + 1),
      );
      const batches = new Map<number, number[]>();
      for (const event of stream.events) {
        const data = event.data as BatchData;
        batches.set(data.batch, [...(batches.get(data.batch) ?? []), data.index]);
      }
      for (const [batch, indexes] of batches) {
        expect(indexes, `batch ${batch}`).toEqual(Array.from({ length: BATCH }, (_, i) => i));
      }
      // Every append acknowledged before the kill survived it (NORMAL survives a process crash).
      for (const b of acknowledged) expect(batches.has(b), `acknowledged batch ${b}`).toBe(true);
      expect(stream.version % BATCH).toBe(0);
      nextBatch = Math.max(...batches.keys()) + 1;

      // Still appendable (a whole batch, so the batch arithmetic holds), and the feed agrees.
      const probe = Array.from({ length: BATCH }, (_, index) => ({
        type: 'Probe',
        data: { batch: nextBatch, index, of: BATCH },
      }));
      const result = await store.append('crash-1', probe, { expectedVersion: stream.version });
      expect(result.version).toBe(stream.version + BATCH);
      const feed = await store.readAll({ batchSize: 1000 }).toArray();
      expect(feed.map((e) => e.version)).toEqual(
        Array.from({ length: result.version }, (_, i) => i + 1),
      );
      await store.close();
      nextBatch += 1;
    }
    expect(acknowledged.size).toBeGreaterThanOrEqual(12);
    // The writer is always appending, so the kills land inside appends.
    expect(killedMidAppend).toBeGreaterThanOrEqual(1);
  });
});
