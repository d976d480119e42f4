/**
 * Document projections killed with SIGKILL in the middle of a batch's flush
 * (its changes written inside the transaction, the checkpoint and the commit
 * not yet done), on SQLite and PostgreSQL, then restarted: every event is
 * applied exactly once, the checkpoint is the feed's last position, and the
 * documents equal a rebuild's.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore, Position } from '../../src/index.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import {
  documentsOf,
  startProjection,
  type AnySubscriptionStorage,
} from '../../src/subscriptions/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { startScript, waitForExit, type ScriptResult } from '../sqlite/support/run-script.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { waitFor, within } from '../support/wait.js';
import {
  expectedCounts,
  flushCollections,
  flushProjection,
  type StreamCount,
} from './support/flush-projection.js';

const dir = createTempDir('eventfold-flush-kill-');
afterAll(() => dir.remove());
const database = useTestDatabase('flush_kill');
const worker = fileURLToPath(new URL('fixtures/document-flush-worker.ts', import.meta.url));

interface Setup {
  readonly store: EventStore;
  readonly storage: AnySubscriptionStorage;
  /** The worker's arguments for `holder`. */
  args(holder: string): string[];
  close(): Promise<void>;
}

const backends: { label: string; open(): Promise<Setup> }[] = [
  {
    label: 'SQLite',
    open: () => {
      const file = dir.file();
      const store = new SqliteEventStore(file, { busyTimeout: 20_000 });
      const storage = new SqliteSubscriptionStorage(store);
      return Promise.resolve({
        store,
        storage,
        args: (holder) => ['sqlite', file, holder],
        close: () => store.close(),
      });
    },
  },
  {
    label: 'PostgreSQL',
    open: async () => {
      const url = database().url;
      const schema = uniqueName('flush');
      const store = await PostgresEventStore.connect({ connectionString: url, schema });
      const storage = new PostgresSubscriptionStorage(store);
      return {
        store,
        storage,
        args: (holder) => ['postgres', url, schema, holder],
        close: () => store.close(),
      };
    },
  },
];

/**
 * Starts a worker and kills it with SIGKILL as soon as it prints its
 * `killAt`-th `flushing` line (from the output handler: no polling delay),
 * while that flush holds its transaction open.
 */
function killInFlush(args: string[], killAt: number): Promise<ScriptResult> {
  const child = startScript(worker, args);
  let flushes = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.startsWith('flushing ') && ++flushes === killAt) child.kill('SIGKILL');
    }
  });
  return waitForExit(child);
}

/** Starts a worker; `kill` ends it with a signal. */
function start(args: string[]): { kill(signal: NodeJS.Signals): Promise<ScriptResult> } {
  const child = startScript(worker, args);
  const exited = waitForExit(child);
  return {
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** The documents of projection `name`: counters by stream, and the number of events seen. */
async function documentsOfProjection(
  store: EventStore,
  name: string,
): Promise<{ counts: Map<string, StreamCount>; seen: number }> {
  const { counts, seen } = flushCollections(name);
  const view = documentsOf(store);
  const countDocs = await view.collection(counts).find({}, { limit: 10_000 });
  const seenDocs = await view.collection(seen).find({}, { limit: 10_000 });
  return { counts: new Map(countDocs.map((d) => [d.id, d.doc])), seen: seenDocs.length };
}

/**
 * After a kill in a flush: the checkpoint covers exactly the `batches` batches
 * of 500 committed before it, and the documents hold those events and none of
 * the killed flush's (its writes rolled back with its transaction).
 */
async function expectCommittedUpToCheckpoint(setup: Setup, batches: number): Promise<void> {
  const checkpoint = (await setup.storage.checkpoints.load('flush'))?.position ?? null;
  const feed = await setup.store.readAll().toArray();
  const covered = feed.filter((e) => checkpoint !== null && e.position <= checkpoint);
  expect(covered.length).toBe(batches * 500);
  const { counts, seen } = await documentsOfProjection(setup.store, 'flush');
  expect(seen).toBe(covered.length);
  expect(counts).toEqual(expectedCounts(covered));
}

describe.each(backends)('a document projection on $label killed during its flush', (backend) => {
  it('applies every event exactly once after restarts, equal to a rebuild', async () => {
    const setup = await backend.open();
    const { store, storage } = setup;
    try {
      let last: Position | undefined;
      for (let s = 0; s < 30; s++) {
        const events = Array.from({ length: 100 }, (_, n) => ({ type: 'Counted', data: { n } }));
        last = (await store.append(`Counter-${s}`, events)).position;
      }
      if (last === undefined) throw new Error('no events');
      // Killed in its first flush (nothing committed), then twice in its second (one committed).
      let committed = 0;
      for (const [holder, flushes] of [
        ['A', 1],
        ['B', 2],
        ['C', 2],
      ] as const) {
        const killed = await within(
          killInFlush(setup.args(holder), flushes),
          `worker ${holder}`,
          60_000,
        );
        expect(killed.signal).toBe('SIGKILL');
        committed += flushes - 1; // the batches before the killed flush
        await expectCommittedUpToCheckpoint(setup, committed);
      }
      const d = start(setup.args('D'));
      await waitFor(
        async () => (await storage.checkpoints.load('flush'))?.position === last,
        'worker D to project every event',
        60_000,
      );
      const done = await d.kill('SIGTERM');
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      expect(await storage.deadLetters.count('flush')).toBe(0);

      const feed = await store.readAll().toArray();
      const projected = await documentsOfProjection(store, 'flush');
      expect(projected.seen).toBe(feed.length);
      expect(projected.counts).toEqual(expectedCounts(feed));
      const rebuild = startProjection(store, flushProjection('flush_rebuild'), { storage });
      await rebuild.waitForPosition(last, { timeoutMs: 60_000 });
      await rebuild.stop();
      expect((await documentsOfProjection(store, 'flush_rebuild')).counts).toEqual(
        projected.counts,
      );
    } finally {
      await setup.close();
    }
  }, 180_000);
});
