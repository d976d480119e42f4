import { checkAbortOptions, type AbortOptions } from '../core/abort.js';
import { backoffDelay } from '../core/retry-options.js';
import type { AppendSubscription } from '../core/append-signal.js';
import { EventfoldError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import type { RecordedEvent } from '../core/events.js';
import type { Position } from '../core/position.js';
import { adaptBatchSize } from './adaptive-batch-size.js';
import { BatchRunner, type EventApplier } from './batch-runner.js';
import { CheckpointConflictError } from '../core/contracts/checkpoint-conflict-error.js';
import { subscriptionNames } from './consumer-group.js';
import { BetweenBatches } from './between-batches.js';
import { Deferred } from './deferred.js';
import { isFatal } from './is-fatal.js';
import { InstanceStatusReader } from './instance-status.js';
import { CheckpointCursor } from './checkpoint-cursor.js';
import { storageOf } from './default-storage.js';
import { InterruptibleSleep } from './interruptible-sleep.js';
import { LeaseKeeper } from './lease-keeper.js';
import { replayParked, type ReplayResult } from './replay-parked.js';
import { resetInTransaction } from './reset-projection.js';
import { groupMemberOf } from './stream-hash.js';
import {
  resolveSubscriptionOptions,
  type ResolvedSubscriptionOptions,
  type SubscriptionErrorInfo,
  type SubscriptionOptions,
} from './subscription-options.js';
import type { SubscriptionState, SubscriptionStatus } from './subscription-status.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { EndOfFeed } from './end-of-feed.js';
import { FeedReader } from './feed-reader.js';
import { reportError, type LastError } from './report-error.js';
import { WakeUp } from './wake-up.js';
import { observeGauges } from './observed-batch.js';

export type { EventApplier } from './batch-runner.js';
export type { ReplayResult } from './replay-parked.js';

/** Backoff of retries after feed or storage errors. */
const INFRA_RETRY = { maxRetries: 0, initialDelayMs: 50, maxDelayMs: 5_000 } as const;

/**
 * A running subscription to a store's global feed: it resumes from its
 * checkpoint (or `from`), catches up in batches, then follows new events as
 * they are appended, with no gap and no duplicate at the switch (one cursor
 * reads both). Create one with `subscribe` or `startProjection`.
 *
 * @example
 * ```ts
 * await using sub = subscribe(store, { name: 'log', storage, handler: (e) => console.log(e.type) });
 * await sub.caughtUp;
 * console.log(await sub.status());
 * // leaving the block stops it, as `await sub.stop()` does
 * ```
 */
export class Subscription<Tx = unknown> implements AsyncDisposable {
  /** The name its checkpoint, lease and dead letters are kept under (a group member's own name). */
  readonly name: string;
  /** Where its checkpoint, dead letters and lease are kept. */
  readonly storage: SubscriptionStorage<Tx>;
  readonly #store: EventStore;
  readonly #options: ResolvedSubscriptionOptions<Tx>;
  readonly #applier: EventApplier<Tx>;
  readonly #wake = new WakeUp();
  readonly #finished = new Deferred<void>();
  readonly #keeper: LeaseKeeper | undefined;
  readonly #sleeps = new InterruptibleSleep();
  readonly #tasks = new BetweenBatches();
  readonly #cursor: CheckpointCursor;
  readonly #runner: BatchRunner<Tx>;
  readonly #endOfFeed: EndOfFeed;
  readonly #reader: FeedReader;
  readonly #status: InstanceStatusReader;
  /** Closes the storage when the subscription created it (no `storage` option). */
  readonly #closeStorage: () => Promise<void>;
  #caughtUp = new Deferred<void>();
  #state: SubscriptionState = 'idle';
  #running: Promise<void> | undefined;
  #stopping = false;
  #active = false;
  #leaseLost = false;
  #reload = true;
  #failures = 0;
  #lastError: LastError | undefined;
  readonly #onAbort = (): void => void this.stop();

  /** Prefer `subscribe` or `startProjection`; this does not start it (call {@link Subscription.start}). */
  constructor(store: EventStore, options: SubscriptionOptions<Tx>, applier: EventApplier<Tx>) {
    this.#options = resolveSubscriptionOptions(options, store);
    this.name = this.#options.name;
    this.#store = store;
    this.#applier = applier;
    const { storage, close } = storageOf(store, this.#options.storage);
    [this.storage, this.#closeStorage] = [storage, close];
    this.#cursor = new CheckpointCursor(store, storage, this.name, this.#options.from);
    const signal = this.#options.signal;
    if (signal?.aborted === true) this.#stopping = true;
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#keeper = LeaseKeeper.of(this.#options.lease, {
      leases: this.storage.leases,
      name: this.name,
      sleep: (ms) => this.#sleep(ms, false),
      onLost: () => this.#loseLease(),
      onError: (error) => this.#report(error, {}),
    });
    const { types, categories, pollIntervalMs } = this.#options;
    this.#reader = new FeedReader(store, { types, categories, batchSize: this.#options.batchSize });
    // On a storage that cannot roll a failed batch back, a projection runs like a handler (at-least-once).
    const inTransaction = applier.inTransaction && this.storage.capabilities.atomicReadModels;
    this.#runner = new BatchRunner<Tx>({
      name: this.name,
      storage: this.storage,
      applier,
      inTransaction,
      retry: this.#options.retry,
      onFailure: this.#options.onFailure,
      telemetry: this.#options.telemetry,
      isMine: (event) => this.#isMine(event),
      pausing: () => this.#pausing(),
      sleep: (ms) => this.#sleep(ms),
      report: (error, info) => this.#report(error, info),
      stored: () => this.#cursor.stored,
      advance: (position, handled) => this.#cursor.advance(position, handled),
      committed: adaptBatchSize(this.#reader, inTransaction && this.#options.adaptiveBatch),
    });
    this.#endOfFeed = new EndOfFeed(store, { types, categories }, pollIntervalMs, this.#wake);
    this.#status = new InstanceStatusReader(store, this.storage, this.name, { types, categories });
  }

  /** What it is doing now. */
  get state(): SubscriptionState {
    return this.#state;
  }

  /**
   * Resolves when it has first read to the end of the feed (after a rebuild, a
   * new promise); rejects when it fails first. It stays pending while another
   * instance holds the lease.
   */
  get caughtUp(): Promise<void> {
    return this.#caughtUp.promise;
  }

  /** Resolves when it has stopped; rejects with the error that made it fail. */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /** Events handled by this instance so far. */
  get processed(): number {
    return this.#cursor.processed;
  }

  /** Starts it (once; later calls do nothing). */
  start(): this {
    this.#running ??= this.#run();
    return this;
  }

  /**
   * Stops gracefully: finishes the event in hand (a projection: commits the
   * events of its batch applied so far), stores the checkpoint and releases
   * the lease. Resolves when done, also when it had failed.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#running === undefined) {
      this.#options.signal?.removeEventListener('abort', this.#onAbort);
      await this.#closeStorage().catch((error: unknown) => this.#report(error, {}));
      this.#setState('stopped');
      this.#finished.resolve();
      this.#cursor.fail(new EventfoldError(`Subscription "${this.name}" stopped`));
      return;
    }
    if (this.#state !== 'failed' && this.#state !== 'stopped') this.#setState('stopping');
    this.#sleeps.interrupt(false);
    this.#wake.signal();
    await this.#running;
  }

  /** Stops it, as {@link Subscription.stop} does: `await using sub = subscribe(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Resolves once every event up to `position` is handled (or skipped) and
   * checkpointed: once the checkpoint is at or past it. Any position of the
   * feed will do, also one its filters (types, categories, group) leave out:
   * after reading to the end of the feed, the checkpoint moves over the
   * events it does not handle. While another instance holds the lease, it
   * resolves when the stored checkpoint (moved by that instance) passes
   * `position`, read every `lease.retryMs`.
   * `signal` and `timeoutMs` give up waiting (not the subscription): the
   * promise rejects with the signal's reason (a `TimeoutError` after
   * `timeoutMs`) and nothing of the wait is left behind.
   *
   * @example
   * ```ts
   * await sub.waitForPosition(appended.position, { timeoutMs: 5_000 });
   * ```
   */
  async waitForPosition(position: Position, options?: AbortOptions): Promise<void> {
    checkAbortOptions(options);
    if (options?.signal?.aborted === true) throw options.signal.reason;
    if (this.#cursor.reached(position)) return;
    if (this.#state === 'stopped' || this.#state === 'failed') {
      throw new EventfoldError(`Subscription "${this.name}" is ${this.#state}`);
    }
    const waiting = this.#cursor.wait(position, options);
    if (this.#running !== undefined && !this.#active) this.#settleFromStorage();
    return waiting;
  }

  /**
   * Its checkpoint, lag, state, parked count and lease holder. While the
   * database is unreachable it still resolves, once a status was read, with
   * the stored part as last read and `stale` saying since when and why.
   */
  status(): Promise<SubscriptionStatus> {
    const { processed } = this.#cursor;
    const meter = this.#state === 'catching-up' ? this.#cursor.meter : undefined;
    return this.#status.read({ state: this.#state, processed, lastError: this.#lastError, meter });
  }

  /**
   * Rebuilds from the start while writers keep appending: in one transaction,
   * runs the `reset` hook (clearing the read model) and moves the checkpoint
   * (of every member, for a consumer group) back to the start, clearing the
   * dead letters; then catches up again. Runs between batches when this
   * instance is processing.
   */
  rebuild(): Promise<void> {
    const names = subscriptionNames(this.#options.baseName, this.#options.group?.members);
    return this.#exclusive(async () => {
      await resetInTransaction(this.storage, this.name, names, this.#applier.reset);
      this.#reload = true;
      this.#cursor.restart(); // from the start again: every event is handled
      this.#cursor.meter.begin(this.#cursor.processed);
      if (this.#caughtUp.settled) this.#caughtUp = new Deferred();
      if (this.#active) this.#setState('catching-up');
    });
  }

  /**
   * Handles parked events again (all of this subscription's, or those with the
   * given event ids), once each: a success removes the dead letter (in the
   * same transaction, for a projection); a failure keeps it, with the new error.
   */
  replayParked(options: { eventIds?: readonly string[] } = {}): Promise<ReplayResult> {
    return this.#exclusive(() =>
      replayParked(
        this.#store,
        this.storage,
        this.name,
        this.#runner,
        (error, info) => this.#report(error, info),
        options.eventIds,
      ),
    );
  }

  async #run(): Promise<void> {
    let unlisten: AppendSubscription | undefined;
    observeGauges(this.#options.telemetry, this.name, () => this.status(), this.#finished.promise);
    try {
      unlisten = this.#store.onAppended(() => this.#wake.signal());
      await unlisten.ready;
      while (!this.#stopping) {
        if (this.#keeper !== undefined) {
          const held = await this.#keeper.acquire((failed) => {
            this.#setState(failed ? 'retrying' : 'waiting-for-lease');
            this.#settleFromStorage();
          });
          if (!held) break;
        }
        this.#leaseLost = false;
        this.#reload = true;
        this.#active = true;
        this.#setState(this.#runningState());
        try {
          await this.#process();
        } finally {
          this.#active = false;
          await this.#keeper?.release();
        }
        if (!this.#stopping) this.#setState('waiting-for-lease');
      }
      await this.#tasks.runAll();
      await this.#closeStorage().catch((error: unknown) => this.#report(error, {}));
      this.#setState('stopped');
      this.#finished.resolve();
      this.#caughtUp.reject(new EventfoldError(`Subscription "${this.name}" stopped`));
      this.#cursor.fail(new EventfoldError(`Subscription "${this.name}" stopped`));
    } catch (error) {
      this.#report(error, {});
      await this.#closeStorage().catch((closing: unknown) => this.#report(closing, {}));
      this.#setState('failed');
      this.#caughtUp.reject(error);
      this.#finished.reject(error);
      this.#cursor.fail(error);
    } finally {
      unlisten?.();
      this.#options.signal?.removeEventListener('abort', this.#onAbort);
    }
  }

  /** Reads and handles the feed while this instance holds the lease. */
  async #process(): Promise<void> {
    while (!this.#pausing()) {
      try {
        this.#wake.clear(); // before the tasks and the read: a later signal cuts the next wait short
        if (this.#reload) {
          await this.#cursor.load();
          this.#reload = false;
        }
        await this.#tasks.runAll();
        if (this.#reload) continue;
        const { page, passTo } = await this.#reader.read(this.#cursor.position);
        if (this.#state === 'retrying') this.#setState(this.#runningState());
        if (page.events.length > 0) await this.#runner.run(page.events);
        this.#failures = 0;
        if (!page.isEnd || this.#pausing() || this.#reload) continue;
        if (passTo !== undefined && this.#cursor.position === (page.next ?? null))
          await this.#cursor.pass(passTo);
        this.#reachedEnd();
        // A quiet poll interval: check the checkpoint too, in case another process reset it.
        if (!(await this.#endOfFeed.wait(this.#cursor.position))) this.#reload = true;
      } catch (error) {
        if (isFatal(error)) throw error;
        this.#reload = true;
        this.#report(error, {});
        if (CheckpointConflictError.is(error)) continue;
        if (!this.#pausing()) this.#setState('retrying');
        this.#failures++;
        await this.#sleep(backoffDelay(Math.min(this.#failures, 10), INFRA_RETRY));
      }
    }
  }

  /** While another instance holds the lease: resolves the waiters its stored checkpoint has reached. */
  #settleFromStorage(): void {
    this.#cursor.settleFromStorage((error) => this.#report(error, {}));
  }

  /** `'live'` once caught up, else `'catching-up'`. */
  #runningState(): SubscriptionState {
    return this.#caughtUp.settled ? 'live' : 'catching-up';
  }

  #reachedEnd(): void {
    if (!this.#caughtUp.settled) this.#caughtUp.resolve();
    if (this.#state === 'catching-up') this.#setState('live');
  }

  #isMine(event: RecordedEvent): boolean {
    if (this.#cursor.skips(event.position)) return false;
    const group = this.#options.group;
    return group === undefined || groupMemberOf(event.streamId, group.members) === group.member;
  }

  #pausing(): boolean {
    return this.#stopping || this.#leaseLost;
  }

  #loseLease(): void {
    this.#leaseLost = true;
    this.#report(new EventfoldError(`Subscription "${this.name}" lost its lease`), {});
    this.#sleeps.interrupt(true);
    this.#wake.signal();
  }

  /** Sleeps `ms`; resolves `false` (early) when stopping, or when the lease is lost. */
  #sleep(ms: number, onLeaseLoss = true): Promise<boolean> {
    if (this.#stopping || (onLeaseLoss && this.#leaseLost)) return Promise.resolve(false);
    return this.#sleeps.sleep(ms, onLeaseLoss);
  }

  /** Runs `task` between batches when processing, else at once. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (!this.#active) return task();
    const queued = this.#tasks.queue(task);
    this.#wake.signal();
    return queued;
  }

  #setState(state: SubscriptionState): void {
    if (this.#state === 'failed') return;
    const resumed = this.#state === 'catching-up' || this.#state === 'retrying';
    if (state === 'catching-up' && !resumed) this.#cursor.meter.begin(this.#cursor.processed);
    this.#state = state;
  }

  /** Records `error` as the last one and tells `onError` (see {@link reportError}). */
  #report(error: unknown, info: Omit<SubscriptionErrorInfo, 'subscription'>): void {
    this.#lastError = reportError(this.#options, error, { subscription: this.name, ...info });
  }
}
