import { describe, expect, it } from 'vitest';
import type { PreparedAppend } from '../../src/core/append-input.js';
import { DatabaseError, StoreClosedError } from '../../src/core/errors.js';
import type { AppendResult } from '../../src/core/event-store.js';
import type { Position } from '../../src/core/position.js';
import type {
  EventStoreDriver,
  GroupLimits,
  WriteOutcome,
  WriteUnit,
} from '../../src/stores/kernel/event-store-driver.js';
import { STALLED_COMMIT_MS, WriteQueue } from '../../src/stores/kernel/write-queue.js';

/** A unit of one entry writing `events` events to `streamId`. */
function unit(streamId: string, events = 1): WriteUnit<number> {
  const entry: PreparedAppend = {
    streamId,
    expectedVersion: 'any',
    hasProvidedIds: false,
    events: Array.from({ length: events }, (_, i) => ({
      id: `${streamId}-${i}`,
      idProvided: false,
      type: 'E',
      data: '{}',
      metadata: null,
      tags: [],
    })),
  };
  return { entries: [entry], condition: undefined };
}

const result = (u: WriteUnit<number>): AppendResult => ({
  streamId: (u.entries[0] as PreparedAppend).streamId,
  version: 1,
  position: '1' as Position,
});

interface FakeDriver {
  readonly driver: EventStoreDriver<number>;
  /** The stream ids of each commit's units, in call order. */
  readonly commits: string[][];
}

/**
 * A driver whose commit records its units and answers through `answer`
 * (synchronously, or with a promise when `answer` returns one).
 */
function fakeDriver(
  answer: (units: readonly WriteUnit<number>[]) => WriteOutcome[] | Promise<WriteOutcome[]>,
  options: { synchronousCommit?: boolean; groupLimits?: GroupLimits } = {},
): FakeDriver {
  const commits: string[][] = [];
  const driver = {
    ...options,
    commit(units: readonly WriteUnit<number>[]) {
      commits.push(units.map((u) => (u.entries[0] as PreparedAppend).streamId));
      return answer(units);
    },
  } as unknown as EventStoreDriver<number>;
  return { driver, commits };
}

/** Queues `u` through `write`, as the kernel does (prepared after a microtask). */
const write = (queue: WriteQueue<number>, u: WriteUnit<number>) =>
  queue.write(() => Promise.resolve(u));

const allOk = (units: readonly WriteUnit<number>[]): WriteOutcome[] =>
  units.map((u) => ({ ok: true, results: [result(u)] }));

/** A promise and its resolver. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('WriteQueue (group commit)', () => {
  it('an asynchronous driver commits a lone write at once, without waiting for company', async () => {
    const { driver, commits } = fakeDriver((units) => Promise.resolve(allOk(units)));
    const queue = new WriteQueue(driver);
    const write = queue.submit(unit('a'));
    expect(commits).toEqual([['a']]); // called synchronously, inside submit
    expect(await write).toEqual([result(unit('a'))]);
  });

  it('writes arriving while every commit slot is busy go together in the next commit', async () => {
    const first = deferred<WriteOutcome[]>();
    let calls = 0;
    const { driver, commits } = fakeDriver(
      (units) => (++calls === 1 ? first.promise : Promise.resolve(allOk(units))),
      { groupLimits: { maxCommitsInFlight: 1 } },
    );
    const queue = new WriteQueue(driver);
    const a = queue.submit(unit('a'));
    const rest = ['b', 'c', 'd'].map((s) => queue.submit(unit(s)));
    await Promise.resolve();
    expect(commits).toEqual([['a']]);
    first.resolve(allOk([unit('a')]));
    await Promise.all([a, ...rest]);
    expect(commits).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('an asynchronous driver has two commits in flight by default; only the writes behind them wait and group', async () => {
    const hung = [0, 1].map(() => deferred<WriteOutcome[]>());
    let calls = 0;
    const { driver, commits } = fakeDriver((units) => {
      const slot = hung[calls++];
      return slot === undefined ? Promise.resolve(allOk(units)) : slot.promise;
    });
    const queue = new WriteQueue(driver);
    const writes = ['a', 'b', 'c', 'd', 'e'].map((s) => queue.submit(unit(s)));
    await Promise.resolve();
    expect(commits).toEqual([['a'], ['b']]);
    (hung[1] as (typeof hung)[number]).resolve(allOk([unit('b')]));
    await writes[1];
    await Promise.resolve();
    expect(commits.slice(2)).toEqual([['c', 'd', 'e']]);
    (hung[0] as (typeof hung)[number]).resolve(allOk([unit('a')]));
    expect((await Promise.all(writes)).map((r) => (r[0] as AppendResult).streamId)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('a commit stuck for longer than STALLED_COMMIT_MS stops counting: the writes behind it get their own commit', async () => {
    const stuck = [0, 1].map(() => deferred<WriteOutcome[]>());
    let calls = 0;
    const { driver, commits } = fakeDriver((units) => {
      const slot = stuck[calls++];
      return slot === undefined ? Promise.resolve(allOk(units)) : slot.promise;
    });
    const queue = new WriteQueue(driver);
    const a = queue.submit(unit('a'));
    const b = queue.submit(unit('b'));
    const started = performance.now();
    const probe = await queue.submit(unit('probe'));
    const waited = performance.now() - started;
    expect(probe[0]?.streamId).toBe('probe');
    expect(commits).toEqual([['a'], ['b'], ['probe']]);
    // It waited for the stuck commits to count as stalled, not for them to end.
    expect(waited).toBeGreaterThanOrEqual(STALLED_COMMIT_MS - 5);
    stuck.forEach((s, i) => s.resolve(allOk([unit('ab'.charAt(i))])));
    await Promise.all([a, b]);
  });

  it('a promise settles only after its own commit', async () => {
    const first = deferred<WriteOutcome[]>();
    const second = deferred<WriteOutcome[]>();
    const answers = [first.promise, second.promise];
    const { driver } = fakeDriver(() => answers.shift() as Promise<WriteOutcome[]>);
    const queue = new WriteQueue(driver);
    const settled: string[] = [];
    const a = queue.submit(unit('a')).then(() => settled.push('a'));
    const b = queue.submit(unit('b')).then(() => settled.push('b'));
    first.resolve(allOk([unit('a')]));
    await a;
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toEqual(['a']);
    second.resolve(allOk([unit('b')]));
    await b;
    expect(settled).toEqual(['a', 'b']);
  });

  it('a refused unit fails only its own promise', async () => {
    const { driver } = fakeDriver(
      (units) =>
        units.map((u) =>
          (u.entries[0] as PreparedAppend).streamId === 'bad'
            ? { ok: false, error: new Error('refused') }
            : { ok: true, results: [result(u)] },
        ),
      { synchronousCommit: true },
    );
    const queue = new WriteQueue(driver);
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((s) => write(queue, unit(s))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('a synchronous driver gets the writes of one turn in one commit', async () => {
    const { driver, commits } = fakeDriver(allOk, { synchronousCommit: true });
    const queue = new WriteQueue(driver);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((s) => write(queue, unit(s))));
    expect(commits).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('a lone writer on a synchronous driver commits at once, never deferred', async () => {
    const { driver, commits } = fakeDriver(allOk, { synchronousCommit: true });
    let deferred = 0;
    const queue = new WriteQueue(driver, (run) => {
      deferred++;
      run();
    });
    for (const s of ['a', 'b', 'c']) await write(queue, unit(s));
    expect(commits).toEqual([['a'], ['b'], ['c']]);
    expect(deferred).toBe(0);
  });

  it('a slow preparation holds the others back only for the deferral', async () => {
    const { driver, commits } = fakeDriver(allOk, { synchronousCommit: true });
    const queue = new WriteQueue(driver);
    const slow = queue.write(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return unit('slow');
    });
    await Promise.all(['a', 'b'].map((s) => write(queue, unit(s))));
    expect(commits).toEqual([['a', 'b']]);
    await slow;
    expect(commits).toEqual([['a', 'b'], ['slow']]);
  });

  it('a preparation that fails releases the writes waiting for it', async () => {
    const { driver, commits } = fakeDriver(allOk, { synchronousCommit: true });
    const queue = new WriteQueue(driver, () => undefined); // the deferral never fires
    const failing = queue.write(async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('bad input');
    });
    const ok = write(queue, unit('a'));
    await expect(failing).rejects.toThrow('bad input');
    await ok;
    expect(commits).toEqual([['a']]);
  });

  it('learns that a driver is synchronous from its first answer, then groups', async () => {
    const { driver, commits } = fakeDriver(allOk);
    const queue = new WriteQueue(driver);
    await write(queue, unit('a'));
    await Promise.all(['b', 'c'].map((s) => write(queue, unit(s))));
    expect(commits).toEqual([['a'], ['b', 'c']]);
  });

  it('a write waiting for a preparation is not starved by a caller that keeps the microtask queue busy', async () => {
    const { driver } = fakeDriver(allOk, { synchronousCommit: true });
    const queue = new WriteQueue(driver);
    let done = false;
    const slow = queue.write(() => new Promise(() => undefined)); // never prepared
    void slow;
    const written = write(queue, unit('a')).then(() => {
      done = true;
    });
    let spins = 0;
    while (!done && spins < 10_000) {
      await Promise.resolve();
      spins++;
    }
    await written;
    expect(spins).toBeLessThan(10_000);
  });

  it('caps a group by units and by events; a unit above the event cap goes alone', async () => {
    const { driver, commits } = fakeDriver(allOk, {
      synchronousCommit: true,
      groupLimits: { maxUnits: 2, maxEvents: 10 },
    });
    const queue = new WriteQueue(driver);
    await Promise.all([
      write(queue, unit('a')),
      write(queue, unit('b')),
      write(queue, unit('c')),
      write(queue, unit('big', 50)),
      write(queue, unit('d', 6)),
      write(queue, unit('e', 6)),
    ]);
    expect(commits).toEqual([['a', 'b'], ['c'], ['big'], ['d'], ['e']]);
  });

  it('when a whole group commit fails, retries its units one by one so only the culprit fails', async () => {
    const { driver, commits } = fakeDriver(
      (units) => {
        if (units.some((u) => (u.entries[0] as PreparedAppend).streamId === 'poison'))
          return Promise.reject(new Error('transaction failed'));
        return Promise.resolve(allOk(units));
      },
      { synchronousCommit: true },
    );
    const queue = new WriteQueue(driver);
    const outcomes = await Promise.allSettled(
      ['a', 'poison', 'c'].map((s) => write(queue, unit(s))),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('transaction failed'));
    expect(commits).toEqual([['a', 'poison', 'c'], ['a'], ['poison'], ['c']]);
  });

  it('a group that failed because the database is unreachable fails as a whole, without a retry per unit', async () => {
    const lost = new DatabaseError('connection lost', { connectionLost: true });
    const timedOut = new DatabaseError('canceling statement due to statement timeout', {
      sqlState: '57014',
    });
    for (const error of [lost, timedOut]) {
      const { driver, commits } = fakeDriver(() => Promise.reject(error), {
        synchronousCommit: true,
      });
      const queue = new WriteQueue(driver);
      const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((s) => write(queue, unit(s))));
      // Each unit alone would wait for the same timeout again: fail them all now.
      expect(outcomes.map((o) => (o as PromiseRejectedResult).reason as unknown)).toEqual([
        error,
        error,
        error,
      ]);
      expect(commits).toEqual([['a', 'b', 'c']]);
    }
  });

  it('a synchronous throw from commit rejects the write', async () => {
    const { driver } = fakeDriver(() => {
      throw new Error('disk full');
    });
    const queue = new WriteQueue(driver);
    await expect(queue.submit(unit('a'))).rejects.toThrow('disk full');
  });

  it('close refuses queued writes with StoreClosedError and waits for the commit in flight', async () => {
    const first = deferred<WriteOutcome[]>();
    const { driver, commits } = fakeDriver(() => first.promise, {
      groupLimits: { maxCommitsInFlight: 1 },
    });
    const queue = new WriteQueue(driver);
    const inFlight = queue.submit(unit('a'));
    const queued = queue.submit(unit('b'));
    let closed = false;
    const closing = queue.close().then(() => {
      closed = true;
    });
    await expect(queued).rejects.toBeInstanceOf(StoreClosedError);
    await new Promise((r) => setTimeout(r, 5));
    expect(closed).toBe(false);
    first.resolve(allOk([unit('a')]));
    await closing;
    expect(await inFlight).toEqual([result(unit('a'))]);
    await expect(queue.submit(unit('c'))).rejects.toBeInstanceOf(StoreClosedError);
    expect(commits).toEqual([['a']]);
  });
});
