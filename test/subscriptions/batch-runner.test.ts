/**
 * Unit tests of the batch runner with a fake storage (an object, not a
 * database): which transactions it runs, with which outcomes, what it applies,
 * retries, parks and checkpoints.
 */
import { describe, expect, it } from 'vitest';
import type { Position, RecordedEvent } from '../../src/index.js';
import { sequencePosition } from '../../src/core/position.js';
import { BatchRunner, type EventApplier } from '../../src/subscriptions/batch-runner.js';
import {
  CheckpointConflictError,
  HandlerFailedError,
  InMemoryCheckpointStore,
  InMemoryDeadLetterStore,
  InMemoryLeaseStore,
  type SubscriptionStorage,
  type TransactionOutcome,
  type TransactionScope,
} from '../../src/subscriptions/index.js';

/** What a fake transaction hands the work: the events it applies, kept only if it commits. */
interface FakeTx {
  readonly applied: string[];
}

/** A storage that keeps its checkpoint and read model in fields, commits atomically, and logs every transaction. */
class FakeStorage implements SubscriptionStorage<FakeTx> {
  readonly checkpoints = new InMemoryCheckpointStore();
  readonly deadLetters = new InMemoryDeadLetterStore();
  readonly leases = new InMemoryLeaseStore();
  readonly capabilities = { atomicReadModels: true, synchronousTransactions: false } as const;
  /** Events applied by committed transactions, in order. */
  readonly committed: string[] = [];
  /** Every committed transaction: its scope and outcome. */
  readonly log: { scope: TransactionScope; outcome: TransactionOutcome }[] = [];
  checkpoint: Position | null = null;
  rolledBack = 0;

  async transaction(
    scope: TransactionScope,
    work: (tx: FakeTx) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void> {
    if (scope.expected !== undefined && scope.expected !== this.checkpoint) {
      throw new CheckpointConflictError(scope.name, scope.expected, this.checkpoint);
    }
    const tx: FakeTx = { applied: [] };
    let outcome: TransactionOutcome;
    try {
      outcome = await work(tx);
    } catch (error) {
      this.rolledBack++;
      throw error;
    }
    this.committed.push(...tx.applied);
    if (outcome.checkpoint !== undefined) this.checkpoint = outcome.checkpoint;
    if (outcome.park !== undefined) await this.deadLetters.park(outcome.park);
    this.log.push({ scope, outcome });
  }
}

function events(count: number, streamId = 'Task-1'): RecordedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    streamId,
    version: i + 1,
    position: sequencePosition(i + 1),
    id: `e${i + 1}`,
    type: 'Created',
    data: {},
    metadata: {},
    recordedAt: new Date(0),
    tags: [],
  }));
}

interface Setup {
  readonly inTransaction?: boolean;
  readonly apply: (event: RecordedEvent, tx: FakeTx | undefined) => unknown;
  readonly maxRetries?: number;
  readonly onFailure?: 'park' | 'stop';
  readonly isMine?: (event: RecordedEvent) => boolean;
  readonly pausing?: () => boolean;
  readonly sleep?: (ms: number) => Promise<boolean>;
}

function runner(setup: Setup) {
  const storage = new FakeStorage();
  const advanced: [Position, number][] = [];
  const reports: [string, number | undefined, number | undefined][] = [];
  const sleeps: number[] = [];
  let stored: Position | null = null; // what the subscription believes is stored
  const applier: EventApplier<FakeTx> = {
    inTransaction: setup.inTransaction ?? true,
    apply: setup.apply,
  };
  const batch = new BatchRunner<FakeTx>({
    name: 'sub',
    storage,
    applier,
    inTransaction: setup.inTransaction ?? true,
    retry: { maxRetries: setup.maxRetries ?? 1, initialDelayMs: 4, maxDelayMs: 8 },
    onFailure: setup.onFailure ?? 'park',
    isMine: setup.isMine ?? (() => true),
    pausing: setup.pausing ?? (() => false),
    sleep: (ms) => {
      sleeps.push(ms);
      return setup.sleep?.(ms) ?? Promise.resolve(true);
    },
    report: (error, info) =>
      reports.push([(error as Error).message, info.event?.version, info.attempt]),
    stored: () => stored,
    advance: (position, handled) => {
      stored = position;
      advanced.push([position, handled]);
    },
  });
  return { batch, storage, advanced, reports, sleeps };
}

/** An applier recording into the transaction, throwing for the versions in `failing` (while they are there). */
function recorder(failing: Set<number> = new Set()) {
  return (event: RecordedEvent, tx: FakeTx | undefined): void => {
    if (failing.has(event.version)) throw new Error(`boom ${event.version}`);
    tx?.applied.push(event.id);
  };
}

describe('BatchRunner, in transactions (a projection)', () => {
  it('commits a page in one transaction that expects the stored checkpoint and moves it to the last event', async () => {
    const { batch, storage, advanced } = runner({ apply: recorder() });
    const page = events(3);
    await batch.run(page);
    expect(storage.committed).toEqual(['e1', 'e2', 'e3']);
    expect(storage.log).toEqual([
      { scope: { name: 'sub', expected: null }, outcome: { checkpoint: page[2]?.position } },
    ]);
    expect(advanced).toEqual([[page[2]?.position, 3]]);
  });

  it('awaits async handlers in order within the transaction', async () => {
    const order: string[] = [];
    const { batch, storage } = runner({
      apply: async (event, tx) => {
        await new Promise((resolve) => setTimeout(resolve, 4 - event.version));
        order.push(event.id);
        tx?.applied.push(event.id);
      },
    });
    await batch.run(events(3));
    expect(order).toEqual(['e1', 'e2', 'e3']);
    expect(storage.committed).toEqual(['e1', 'e2', 'e3']);
    expect(storage.log).toHaveLength(1);
  });

  it('commits the events before a failing one, retries it alone, parks it with the checkpoint past it, then goes on', async () => {
    const { batch, storage, advanced, reports, sleeps } = runner({
      apply: recorder(new Set([3])),
      maxRetries: 1,
    });
    const page = events(5);
    await batch.run(page);
    expect(storage.committed).toEqual(['e1', 'e2', 'e4', 'e5']);
    expect(storage.rolledBack).toBe(3); // the whole page, then event 3 twice (first try and its retry)
    expect(storage.log.map((t) => t.outcome)).toEqual([
      { checkpoint: page[1]?.position },
      {
        park: {
          subscription: 'sub',
          event: page[2],
          error: expect.objectContaining({ name: 'Error', message: 'boom 3' }) as unknown,
          attempts: 2,
        },
        checkpoint: page[2]?.position,
      },
      { checkpoint: page[4]?.position },
    ]);
    expect(advanced).toEqual([
      [page[1]?.position, 2],
      [page[2]?.position, 0],
      [page[4]?.position, 2],
    ]);
    expect(reports).toEqual([
      ['boom 3', 3, 1],
      ['boom 3', 3, 2],
    ]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2);
    expect(sleeps[0]).toBeLessThanOrEqual(4);
    expect((await storage.deadLetters.list('sub')).map((l) => [l.version, l.attempts])).toEqual([
      [3, 2],
    ]);
  });

  it("with onFailure 'stop' throws a HandlerFailedError, the checkpoint just before the event", async () => {
    const { batch, storage } = runner({
      apply: recorder(new Set([2])),
      maxRetries: 2,
      onFailure: 'stop',
    });
    const page = events(3);
    const error: unknown = await batch.run(page).catch((e: unknown) => e);
    expect(HandlerFailedError.is(error)).toBe(true);
    expect(error).toMatchObject({ subscription: 'sub', attempts: 3, event: page[1] });
    expect(storage.checkpoint).toBe(page[0]?.position);
    expect(storage.committed).toEqual(['e1']);
    expect(await storage.deadLetters.count()).toBe(0);
  });

  it('skips events of other group members but moves the checkpoint past them', async () => {
    const { batch, storage, advanced } = runner({
      apply: recorder(),
      isMine: (event) => event.version % 2 === 1,
    });
    const page = events(4);
    await batch.run(page);
    expect(storage.committed).toEqual(['e1', 'e3']);
    expect(advanced).toEqual([[page[3]?.position, 2]]);
  });

  it('stops after the event in hand when the subscription pauses, committing what it covered', async () => {
    let handled = 0;
    const { batch, storage, advanced } = runner({
      apply: (event, tx) => {
        handled++;
        tx?.applied.push(event.id);
      },
      pausing: () => handled >= 2,
    });
    const page = events(5);
    await batch.run(page);
    expect(storage.committed).toEqual(['e1', 'e2']);
    expect(advanced).toEqual([[page[1]?.position, 2]]);
  });

  it('gives up without parking when the sleep before a retry is interrupted', async () => {
    const { batch, storage, advanced } = runner({
      apply: recorder(new Set([1])),
      sleep: () => Promise.resolve(false),
    });
    await batch.run(events(2));
    expect(storage.log).toEqual([]);
    expect(advanced).toEqual([]);
    expect(await storage.deadLetters.count()).toBe(0);
  });

  it('lets a checkpoint conflict through unchanged', async () => {
    const { batch, storage } = runner({ apply: recorder() });
    storage.checkpoint = sequencePosition(7); // another instance moved it meanwhile
    const error: unknown = await batch.run(events(2)).catch((e: unknown) => e);
    expect(CheckpointConflictError.is(error)).toBe(true);
    expect(storage.committed).toEqual([]);
  });
});

describe('BatchRunner, handler first (a subscription)', () => {
  it('handles each event outside the transaction, retries a flaky one, and checkpoints once after the page', async () => {
    const seen: number[] = [];
    let flaky = 1;
    const { batch, storage, advanced, reports } = runner({
      inTransaction: false,
      apply: (event, tx) => {
        expect(tx).toBeUndefined();
        if (event.version === 2 && flaky-- > 0) throw new Error('flaky');
        seen.push(event.version);
      },
    });
    const page = events(3);
    await batch.run(page);
    expect(seen).toEqual([1, 2, 3]);
    expect(storage.log).toEqual([
      { scope: { name: 'sub', expected: null }, outcome: { checkpoint: page[2]?.position } },
    ]);
    expect(advanced).toEqual([[page[2]?.position, 3]]);
    expect(reports).toEqual([['flaky', 2, 1]]);
  });

  it('parks a failing event in its own transaction and still checkpoints the page', async () => {
    const { batch, storage } = runner({
      inTransaction: false,
      apply: recorder(new Set([1])),
      maxRetries: 0,
    });
    const page = events(2);
    await batch.run(page);
    expect(storage.log.map((t) => t.scope)).toEqual([
      { name: 'sub' },
      { name: 'sub', expected: null },
    ]);
    expect(storage.log[0]?.outcome.park).toMatchObject({ event: page[0], attempts: 1 });
    expect(storage.checkpoint).toBe(page[1]?.position);
  });

  it('checkpoints the events handled before a HandlerFailedError', async () => {
    const { batch, storage } = runner({
      inTransaction: false,
      apply: recorder(new Set([3])),
      maxRetries: 0,
      onFailure: 'stop',
    });
    const page = events(4);
    const error: unknown = await batch.run(page).catch((e: unknown) => e);
    expect(HandlerFailedError.is(error)).toBe(true);
    expect(storage.checkpoint).toBe(page[1]?.position);
  });
});

describe('BatchRunner.applyOnce (a replay)', () => {
  it('writes the outcome in the handler’s transaction on success', async () => {
    const { batch, storage } = runner({ apply: recorder() });
    const [event] = events(1);
    if (event === undefined) throw new Error('no event');
    expect(await batch.applyOnce(event, { unpark: event.id })).toBeUndefined();
    expect(storage.committed).toEqual(['e1']);
    expect(storage.log).toEqual([{ scope: { name: 'sub' }, outcome: { unpark: 'e1' } }]);
  });

  it('returns the fault and writes nothing when the handler fails', async () => {
    const { batch, storage } = runner({ apply: recorder(new Set([1])) });
    const [event] = events(1);
    if (event === undefined) throw new Error('no event');
    const fault = await batch.applyOnce(event, { unpark: event.id });
    expect((fault?.cause as Error).message).toBe('boom 1');
    expect(storage.log).toEqual([]);
    expect(storage.rolledBack).toBe(1);
  });
});
