import type { AppendResult } from '../../core/event-store.js';
import { DatabaseError, StoreClosedError } from '../../core/errors.js';
import { isPromiseLike } from '../../core/is-promise-like.js';
import type { EventStoreDriver, WriteOutcome, WriteUnit } from './event-store-driver.js';

/** The most units the kernel sends in one driver commit, unless the driver lowers it. */
export const DEFAULT_MAX_GROUP_UNITS = 1_000;
/** The most events the kernel sends in one driver commit (a larger unit still goes, alone). */
export const DEFAULT_MAX_GROUP_EVENTS = 10_000;
/** How many commits an asynchronous driver may have in flight at once, unless it says otherwise. */
export const DEFAULT_MAX_COMMITS_IN_FLIGHT = 2;
/**
 * After how long a commit in flight stops counting against the slots: a
 * healthy commit takes milliseconds, so one this slow is stuck (an
 * unreachable server) and the writes behind it get a commit of their own.
 */
export const STALLED_COMMIT_MS = 200;

interface Pending<Cursor> {
  readonly unit: WriteUnit<Cursor>;
  readonly events: number;
  readonly resolve: (results: readonly AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
}

/** How a synchronous driver's commit is put off while other writes are still being prepared. */
export type Deferral = (run: () => void) => void;

/**
 * Defers `run` by `hops` microtask hops: no timer, and a caller that keeps the
 * microtask queue busy cannot starve the commit.
 */
export function deferMicrotasks(hops: number): Deferral {
  return (run) => {
    let left = hops;
    const hop = (): void => {
      if (--left <= 0) run();
      else queueMicrotask(hop);
    };
    queueMicrotask(hop);
  };
}

/**
 * How long a synchronous driver's commit waits at most for writes still being
 * prepared: eight microtask hops (a slow validation does not hold the others back).
 */
export const DEFAULT_DEFERRAL: Deferral = deferMicrotasks(8);

/**
 * Group commit (internal to the kernel): the writes that arrive while a
 * driver commit is in flight go together in the next `driver.commit(units)`,
 * each with its own outcome, each promise settled only after its own commit.
 *
 * - An asynchronous driver (a promise from `commit`) commits at once while
 *   fewer than `maxCommitsInFlight` commits are in flight, and queues while
 *   that many are: a lone writer never waits. A commit in flight for longer
 *   than {@link STALLED_COMMIT_MS} no longer counts, so a commit that hangs
 *   on an unreachable server holds the writes behind it back by that much at
 *   most: each then fails within its own time limits.
 * - A synchronous driver (`synchronousCommit`, or learned from its first
 *   answer) never has a commit in flight, so a write that reaches the queue
 *   while others are still being prepared (the appends of one `Promise.all`)
 *   waits for them: the last one to arrive starts the commit, or the
 *   {@link Deferral} does if one is slow. A write with nothing else in
 *   preparation commits at once.
 * - A group holds at most `maxUnits` units and `maxEvents` events.
 * - When a group's commit fails as a whole (the transaction wrote nothing),
 *   its units are retried one by one, so only the culprit fails; unless the
 *   database could not be reached or gave up (a lost connection, a timeout,
 *   a shutdown): that is no unit's fault, and each retry would wait as long
 *   again, so the whole group fails with the error at once.
 * - `close()` refuses what is queued with a `StoreClosedError` and waits for
 *   the commit in flight.
 */
export class WriteQueue<Cursor> {
  readonly #driver: EventStoreDriver<Cursor>;
  readonly #defer: Deferral;
  readonly #maxUnits: number;
  readonly #maxEvents: number;
  #queue: Pending<Cursor>[] = [];
  #synchronous: boolean | undefined;
  readonly #maxInFlight: number;
  /** The running drains (each a commit in flight, or about to be). */
  readonly #draining = new Set<Promise<void>>();
  /** When each commit in flight started (`performance.now()`). */
  readonly #started = new Set<{ readonly at: number }>();
  /** Re-checks the slots once the oldest commit in flight would count as stalled. */
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  /** How many writes are being prepared (between `write` and their `submit`). */
  #preparing = 0;
  /** Whether a deferred drain is scheduled. */
  #scheduled = false;
  #closed = false;

  constructor(driver: EventStoreDriver<Cursor>, defer: Deferral = DEFAULT_DEFERRAL) {
    this.#driver = driver;
    this.#defer = defer;
    this.#synchronous = driver.synchronousCommit;
    this.#maxUnits = Math.max(1, driver.groupLimits?.maxUnits ?? DEFAULT_MAX_GROUP_UNITS);
    this.#maxEvents = Math.max(1, driver.groupLimits?.maxEvents ?? DEFAULT_MAX_GROUP_EVENTS);
    this.#maxInFlight = Math.max(
      1,
      driver.groupLimits?.maxCommitsInFlight ?? DEFAULT_MAX_COMMITS_IN_FLIGHT,
    );
  }

  /**
   * Prepares a write (`prepare`: input checks, serialisation) and queues it;
   * resolves to its results once committed, or rejects with its error. While
   * other writes are being prepared, a synchronous driver's commit waits for
   * them (at most a few microtasks), so the writes started together share it;
   * a lone writer's commit never waits.
   */
  async write(prepare: () => Promise<WriteUnit<Cursor>>): Promise<readonly AppendResult[]> {
    this.#preparing++;
    let unit: WriteUnit<Cursor>;
    try {
      unit = await prepare();
    } catch (error) {
      this.#preparing--;
      if (this.#preparing === 0) this.#kick();
      throw error;
    }
    this.#preparing--;
    return this.submit(unit);
  }

  /** Queues a prepared `unit` (see {@link WriteQueue.write}). */
  submit(unit: WriteUnit<Cursor>): Promise<readonly AppendResult[]> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    return new Promise((resolve, reject) => {
      let events = 0;
      for (const entry of unit.entries) events += entry.events.length;
      this.#queue.push({ unit, events, resolve, reject });
      if (this.#draining.size > 0 && this.#synchronous !== false) return; // the drain takes it
      if (this.#synchronous === true && this.#preparing > 0) this.#schedule();
      else this.#kick();
    });
  }

  /** Refuses the queued writes with a `StoreClosedError`; resolves once no commit is in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    const queued = this.#queue;
    this.#queue = [];
    for (const pending of queued) pending.reject(new StoreClosedError());
    await Promise.all(this.#draining);
  }

  /** Commits what is queued after the deferral, unless the last write being prepared did first. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#defer(() => {
      this.#scheduled = false;
      this.#kick();
    });
  }

  /**
   * Starts a drain when writes wait and a slot is free: one drain in all for
   * a synchronous driver (or one not yet known), up to `maxCommitsInFlight`
   * for an asynchronous one.
   */
  #kick(): void {
    if (this.#queue.length === 0) return;
    if (this.#draining.size >= this.#slots()) {
      this.#watchStall();
      return;
    }
    const drain: Promise<void> = this.#drain().finally(() => {
      this.#draining.delete(drain);
      this.#kick();
    });
    this.#draining.add(drain);
  }

  /** The drains allowed now: one for a synchronous driver; else the limit plus the stalled commits. */
  #slots(): number {
    if (this.#synchronous !== false) return 1;
    const stalledBefore = performance.now() - STALLED_COMMIT_MS;
    let stalled = 0;
    for (const commit of this.#started) if (commit.at <= stalledBefore) stalled++;
    return this.#maxInFlight + stalled;
  }

  /** While writes wait for a slot, looks again when the oldest commit in flight stalls. */
  #watchStall(): void {
    if (this.#stallTimer !== undefined || this.#synchronous !== false) return;
    let oldest = Infinity;
    for (const commit of this.#started) oldest = Math.min(oldest, commit.at);
    if (oldest === Infinity) return;
    const wait = Math.max(1, oldest + STALLED_COMMIT_MS - performance.now() + 1);
    this.#stallTimer = setTimeout(() => {
      this.#stallTimer = undefined;
      this.#kick();
    }, wait);
    this.#stallTimer.unref?.();
  }

  /** Commits groups until the queue is empty. */
  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#take();
      await this.#commitGroup(group);
    }
  }

  /** The next group: at least one unit, then as many as the limits allow. */
  #take(): Pending<Cursor>[] {
    const queue = this.#queue;
    let n = 0;
    let events = 0;
    while (n < queue.length && n < this.#maxUnits) {
      const next = (queue[n] as Pending<Cursor>).events;
      if (n > 0 && events + next > this.#maxEvents) break;
      events += next;
      n++;
    }
    return queue.splice(0, n);
  }

  async #commitGroup(group: readonly Pending<Cursor>[]): Promise<void> {
    let outcomes: readonly WriteOutcome[];
    const started = { at: performance.now() };
    this.#started.add(started);
    try {
      outcomes = await this.#commit(group.map((p) => p.unit));
    } catch (error) {
      this.#started.delete(started);
      if (group.length === 1 || !mayBeOneUnits(error)) {
        for (const pending of group) pending.reject(error);
        return;
      }
      // The whole transaction failed and wrote nothing: retry each unit alone,
      // so only the one that caused it fails.
      for (const pending of group) await this.#commitGroup([pending]);
      return;
    }
    this.#started.delete(started);
    group.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined)
        pending.reject(new Error('eventfold: the driver returned fewer outcomes than units'));
      else if (outcome.ok) pending.resolve(outcome.results);
      else pending.reject(outcome.error);
    });
  }

  /** One driver commit; learns whether the driver answers synchronously. */
  async #commit(units: readonly WriteUnit<Cursor>[]): Promise<readonly WriteOutcome[]> {
    let answer: readonly WriteOutcome[] | PromiseLike<readonly WriteOutcome[]>;
    try {
      answer = this.#driver.commit(units);
    } catch (error) {
      this.#synchronous ??= true;
      throw error;
    }
    this.#synchronous ??= !isPromiseLike(answer);
    return answer;
  }
}

/**
 * Whether a failed group commit may be one unit's fault, so that retrying the
 * units one by one finds it: not when the connection was lost, nor for
 * SQLSTATE classes 08 (connection), 53 (resources) and 57 (operator
 * intervention: statement timeout, cancel, shutdown), nor a closed store.
 */
function mayBeOneUnits(error: unknown): boolean {
  if (StoreClosedError.is(error)) return false;
  if (!DatabaseError.is(error)) return true;
  if (error.connectionLost) return false;
  const sqlClass = error.sqlState?.slice(0, 2);
  return sqlClass !== '08' && sqlClass !== '53' && sqlClass !== '57';
}
