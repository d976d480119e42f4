/**
 * The kill-and-restart scenario shared by the SQLite and PostgreSQL process
 * tests: projection worker processes (real child processes) are killed with
 * SIGKILL in the middle of their batches and replaced while writers keep
 * appending; at the end the read model must equal a from-scratch rebuild.
 */
import { expect } from 'vitest';
import type { EventStore, Position } from '../../../src/index.js';
import { startScript, waitForExit, type ScriptResult } from '../../sqlite/support/run-script.js';
import type { StreamRow } from './backend.js';
import { waitFor } from '../../support/wait.js';
import { expectedRows, keepWriting, lastPosition, runWriters } from './writers.js';

/** A worker process and what it has printed. */
export interface Worker {
  /** Its last `state` line: state and events projected. */
  readonly last: () => { state: string; processed: number } | undefined;
  waitUntil(
    check: (s: { state: string; processed: number }) => boolean,
    what: string,
  ): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<ScriptResult>;
}

/** Starts a worker script with arguments. */
export function startWorker(script: string, args: readonly string[]): Worker {
  const child = startScript(script, args);
  let last: { state: string; processed: number } | undefined;
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [word, state, processed] = line.split(' ');
      if (word === 'state' && state !== undefined) last = { state, processed: Number(processed) };
    }
  });
  const exited = waitForExit(child);
  return {
    last: () => last,
    waitUntil: async (check, what) => {
      await waitFor(
        async () => {
          if (child.exitCode !== null) {
            const result = await exited;
            throw new Error(`worker exited (${result.code}) before ${what}: ${result.stderr}`);
          }
          return last !== undefined && check(last);
        },
        what,
        40_000,
      );
    },
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** The backend-specific parts of the scenario. */
export interface KillRestartSetup {
  /** The writers' store (in the test process). */
  readonly store: EventStore;
  /** Starts a projection worker process holding the lease as `holder`. */
  startWorker(holder: string): Worker;
  /** Who holds the projection's lease. */
  holderOf(): Promise<string | undefined>;
  /** The projection's checkpoint. */
  checkpoint(): Promise<Position | null | undefined>;
  /** The projected rows. */
  rows(): Promise<Map<string, StreamRow>>;
  /** The rows of the same projection rebuilt from scratch, in this process. */
  rebuild(until: Position): Promise<Map<string, StreamRow>>;
  /** True when a killed holder's lease stays taken until it expires (leases as rows). */
  readonly leaseOutlivesHolder: boolean;
}

/** Runs the scenario: two workers killed mid-batch in turn, a third one finishes; checks the read model. */
export async function runKillRestart(setup: KillRestartSetup): Promise<void> {
  const { store } = setup;
  await runWriters(store, { writers: 1, appends: 100, streams: 10 });
  const writers = keepWriting(store, 10);
  let stopped = false;
  try {
    const a = setup.startWorker('A');
    await a.waitUntil((s) => s.processed >= 60, 'worker A to project');
    const b = setup.startWorker('B');
    await b.waitUntil((s) => s.state === 'waiting-for-lease', 'worker B to wait for the lease');
    await a.waitUntil((s) => s.processed >= 150, 'worker A to project more');
    expect(b.last()?.processed).toBe(0);
    const killedA = await a.kill('SIGKILL');
    expect(killedA.signal).toBe('SIGKILL');
    if (setup.leaseOutlivesHolder) expect(await setup.holderOf()).toBe('A');
    await b.waitUntil((s) => s.processed >= 60, 'worker B to take over');
    const c = setup.startWorker('C');
    await c.waitUntil((s) => s.state === 'waiting-for-lease', 'worker C to wait for the lease');
    const killedB = await b.kill('SIGKILL');
    expect(killedB.signal).toBe('SIGKILL');
    await c.waitUntil((s) => s.processed >= 30, 'worker C to take over');
    const writes = await writers.stop();
    stopped = true;
    const last = lastPosition(writes);
    await waitFor(
      async () => {
        const checkpoint = await setup.checkpoint();
        return checkpoint !== null && checkpoint !== undefined && checkpoint >= last;
      },
      'worker C to project every event',
      40_000,
    );
    const done = await c.kill('SIGTERM');
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(await setup.holderOf()).toBeUndefined();

    const rows = await setup.rows();
    const feed = await store.readAll().toArray();
    expect(rows).toEqual(expectedRows(feed));
    expect(rows).toEqual(await setup.rebuild(last));
  } finally {
    if (!stopped) await writers.stop();
  }
}
