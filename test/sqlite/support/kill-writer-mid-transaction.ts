import { setTimeout as delay } from 'node:timers/promises';
import { fixture, startScript } from './run-script.js';
import { inspectWal, WalTail, type WalFrames } from './wal-frames.js';

/** How long a SIGSTOP is given to take effect before the WAL is read again. */
const STOP_SETTLE_MS = 20;

/** How to run the crash writer (test/sqlite/fixtures/crash-writer.ts) and when to kill it. */
export interface CrashWriterRun {
  readonly file: string;
  readonly stream: string;
  readonly firstBatch: number;
  readonly batchSize: number;
  readonly synchronous: 'NORMAL' | 'FULL';
  /** The writer's page cache, in pages. */
  readonly cachePages: number;
  /** Appends that must have returned before the WAL is watched. */
  readonly afterCommits: number;
  /** Uncommitted frames the WAL must show, live, before the kill. */
  readonly killAtFrames: number;
  /** How long to wait for that state before giving up (and killing the writer anyway). */
  readonly timeoutMs: number;
}

/** What the writer reported, and what its WAL held once it was dead. */
export interface CrashWriterKill {
  /** The `cache_size` the writer's connection ran with. */
  readonly cacheSize: number;
  /** The batches whose append returned, in order. */
  readonly committed: readonly number[];
  /** The last line the writer printed (`begin <batch>` when it was inside an append). */
  readonly lastLine: string;
  /** The uncommitted frames the WAL held with the writer stopped inside its append, just before the kill. */
  readonly framesSeenLive: number;
  /** How often the writer, once stopped, turned out to have committed already and was let go on. */
  readonly resumed: number;
  /** The WAL after the kill, before anything opened the database again. */
  readonly wal: WalFrames;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Starts the crash writer, waits until `afterCommits` appends have returned,
 * then follows its WAL file. Once the WAL holds `killAtFrames` frames of the
 * open transaction, it stops the writer (SIGSTOP), reads the WAL again and, if
 * the transaction is still open there, sends SIGKILL (otherwise it lets the
 * writer go on and waits for the next append). Returns once the writer is
 * gone, with the WAL as the kill left it. Throws if the writer exits by itself
 * or the state is not reached within `timeoutMs`.
 *
 * @example
 * ```ts
 * const kill = await killWriterMidTransaction({ file, stream: 'crash-1', firstBatch: 0,
 *   batchSize: 300, synchronous: 'NORMAL', cachePages: 64, afterCommits: 3,
 *   killAtFrames: 192, timeoutMs: 15_000 });
 * ```
 */
export async function killWriterMidTransaction(run: CrashWriterRun): Promise<CrashWriterKill> {
  const child = startScript(fixture('crash-writer.ts'), [
    run.file,
    run.stream,
    String(run.firstBatch),
    String(run.batchSize),
    run.synchronous,
    String(run.cachePages),
  ]);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const split = (partial + chunk.toString()).split('\n');
    partial = split.pop() ?? '';
    lines.push(...split);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let running = true;
  const closed = new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      running = false;
      resolve(signal);
    });
  });
  const committed = (): number[] =>
    lines.filter((line) => line.startsWith('committed ')).map((line) => Number(line.split(' ')[1]));

  const deadline = Date.now() + run.timeoutMs;
  let tail: WalTail | undefined;
  let framesSeenLive = 0;
  let resumed = 0;
  try {
    for (;;) {
      if (!running) throw new Error(`the crash writer exited by itself: ${stderr}`);
      if (Date.now() > deadline) {
        throw new Error(
          `the WAL never held ${run.killAtFrames} uncommitted frames within ${run.timeoutMs} ms (last seen: ${framesSeenLive})`,
        );
      }
      if (tail === undefined && committed().length >= run.afterCommits) {
        tail = new WalTail(`${run.file}-wal`);
      }
      framesSeenLive = tail?.uncommittedFrames() ?? 0;
      if (tail !== undefined && framesSeenLive >= run.killAtFrames) {
        // Freeze the writer, then look again: if the append committed before it froze, try the next one.
        child.kill('SIGSTOP');
        await delay(STOP_SETTLE_MS);
        framesSeenLive = tail.uncommittedFrames();
        if (framesSeenLive >= run.killAtFrames) break;
        child.kill('SIGCONT');
        resumed += 1;
      }
      await delay(1);
    }
  } finally {
    child.kill('SIGKILL');
    tail?.close();
  }
  const signal = await closed;
  const ready = lines[0]?.split(' ') ?? [];
  return {
    cacheSize: ready[0] === 'ready' ? Number(ready[1]) : Number.NaN,
    committed: committed(),
    lastLine: lines.at(-1) ?? '',
    framesSeenLive,
    resumed,
    wal: inspectWal(`${run.file}-wal`),
    signal,
  };
}
