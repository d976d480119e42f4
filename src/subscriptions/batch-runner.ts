import { backoffDelay, type ResolvedRetry } from '../core/retry-options.js';
import type { RecordedEvent } from '../core/events.js';
import type { Position } from '../core/position.js';
import { applyEvents, SliceFailure, type ApplyStep } from './apply-events.js';
import { toDeadLetterError } from '../core/contracts/dead-letter-store.js';
import { HandlerFailedError } from './handler-failed-error.js';
import type { SubscriptionErrorInfo } from './subscription-options.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
} from '../core/contracts/subscription-storage.js';
import { isPromiseLike } from '../core/is-promise-like.js';
import { outcomeAfter, runInTransaction } from './run-in-transaction.js';
import { HandlerFault, throwIfConnectionLost, type EventApplier } from './event-applier.js';
import type { Telemetry } from '../core/telemetry.js';
import { observeBatch } from './observed-batch.js';

export { HandlerFault, type EventApplier, type PreparedSlice } from './event-applier.js';

/** The work of a storage transaction that commits a slice. */
type SliceWork<Tx> = (tx: Tx) => TransactionOutcome | Promise<TransactionOutcome>;

/** What a {@link BatchRunner} needs of its subscription. */
export interface BatchHost<Tx> {
  readonly name: string;
  readonly storage: SubscriptionStorage<Tx>;
  readonly applier: EventApplier<Tx>;
  /** Apply inside the storage transaction (a projection on a storage with `atomicReadModels`). */
  readonly inTransaction: boolean;
  readonly retry: ResolvedRetry;
  readonly onFailure: 'park' | 'stop';
  /** Spans of batches, when given. */
  readonly telemetry?: Telemetry | undefined;
  isMine(event: RecordedEvent): boolean;
  /** True when the subscription should stop at the next event (stopping, or lease lost). */
  pausing(): boolean;
  /** Sleeps; `false` when interrupted (stopping, or lease lost). */
  sleep(ms: number): Promise<boolean>;
  report(error: unknown, info: Omit<SubscriptionErrorInfo, 'subscription'>): void;
  /** The checkpoint the storage holds, which the next transaction expects. */
  stored(): Position | null;
  /** Records a committed checkpoint at `position`, with `handled` more events handled. */
  advance(position: Position, handled: number): void;
  /** Told after each slice's transaction: the events it committed, and how long it took. */
  readonly committed?: ((events: number, durationMs: number) => void) | undefined;
}

/**
 * Applies one page of events for a subscription: a projection's in
 * transactions with its checkpoint (the events before a failing one are
 * committed first, then the failing one is retried alone), a handler's one by
 * one with a checkpoint after them; retries with backoff, then parks or stops.
 */
export class BatchRunner<Tx> {
  readonly #host: BatchHost<Tx>;
  readonly #step: ApplyStep<Tx>;

  constructor(host: BatchHost<Tx>) {
    this.#host = host;
    this.#step = {
      apply: (event, tx) => host.applier.apply(event, tx),
      isMine: (event) => host.isMine(event),
      shouldStop: () => host.pausing(),
    };
  }

  /** Applies `events` (a page of the feed), stopping early when the host pauses. */
  run(events: readonly RecordedEvent[]): Promise<void> {
    const { telemetry } = this.#host;
    if (telemetry === undefined) return this.#run(events);
    return observeBatch(telemetry, this.#host.name, events, () => this.#run(events));
  }

  #run(events: readonly RecordedEvent[]): Promise<void> {
    return this.#host.inTransaction
      ? this.#applyInTransactions(events)
      : this.#applyThenCheckpoint(events);
  }

  /** Applies a parked event once, writing `outcome` (its unpark) on success; a fault when the handler fails. */
  async applyOnce(
    event: RecordedEvent,
    outcome: TransactionOutcome,
  ): Promise<HandlerFault | undefined> {
    const { name, storage, applier } = this.#host;
    if (!this.#host.inTransaction) {
      const fault = await this.#handleAlone(event);
      if (fault !== undefined) throwIfConnectionLost(fault);
      if (fault === undefined) await runInTransaction(storage, { name }, () => outcome);
      return fault;
    }
    try {
      const prepared = await this.#prepare([event], { covered: 0, handled: 0 }, outcome, true);
      await runInTransaction(
        storage,
        { name },
        prepared ??
          ((tx) => {
            let result: unknown;
            try {
              result = applier.apply(event, tx);
            } catch (error) {
              throw new SliceFailure(0, error);
            }
            if (!isPromiseLike(result)) return outcome;
            return Promise.resolve(result).then(
              () => outcome,
              (error: unknown) => {
                throw new SliceFailure(0, error);
              },
            );
          }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof SliceFailure)) throw error;
      const fault = new HandlerFault(error.cause);
      throwIfConnectionLost(fault);
      return fault;
    }
  }

  async #applyInTransactions(events: readonly RecordedEvent[]): Promise<void> {
    let start = 0;
    let end = events.length;
    while (start < events.length) {
      if (start > 0 && this.#host.pausing()) return;
      const slice = events.slice(start, end);
      let covered: number;
      try {
        covered = await this.#commitSlice(slice);
      } catch (error) {
        if (!(error instanceof SliceFailure)) throw error;
        if (error.index > 0) {
          end = start + error.index; // commit the events before the failing one first
          continue;
        }
        const event = slice[0] as RecordedEvent;
        const outcome = await this.#withRetries(
          event,
          () => this.#commitOne(event),
          new HandlerFault(error.cause),
        );
        if (outcome === 'aborted') return;
        start += 1;
        end = events.length;
        continue;
      }
      start += covered;
      end = events.length;
      if (covered < slice.length) return; // stopping
    }
  }

  async #commitSlice(slice: readonly RecordedEvent[]): Promise<number> {
    const host = this.#host;
    const progress = { covered: 0, handled: 0 };
    const prepared = await this.#prepare(slice, progress);
    const started = performance.now();
    await runInTransaction(
      host.storage,
      { name: host.name, expected: host.stored() },
      prepared ??
        ((tx) => {
          progress.covered = 0;
          progress.handled = 0;
          return host.applier.applyBatch === undefined
            ? applyEvents(slice, tx, this.#step, progress)
            : this.#applyBatch(slice, tx, progress);
        }),
    );
    host.committed?.(progress.covered, performance.now() - started);
    const last = slice[progress.covered - 1];
    if (last !== undefined) host.advance(last.position, progress.handled);
    return progress.covered;
  }

  /**
   * A slice through the applier's `applyBatch`, at once. Its failure names
   * no event: for several events, a {@link SliceFailure} at the middle one
   * (the runner then commits the first half alone: a bisection), for one, at it.
   */
  #applyBatch(
    slice: readonly RecordedEvent[],
    tx: Tx,
    progress: { covered: number; handled: number },
  ): TransactionOutcome | Promise<TransactionOutcome> {
    const mine: RecordedEvent[] = [];
    const at: number[] = [];
    slice.forEach((event, i) => {
      if (!this.#host.isMine(event)) return;
      mine.push(event);
      at.push(i);
    });
    const last = slice[slice.length - 1];
    const outcome = last === undefined ? {} : { checkpoint: last.position };
    const fail = (error: unknown): never => {
      throw new SliceFailure(at[mine.length > 1 ? Math.floor(mine.length / 2) : 0] ?? 0, error);
    };
    let result: unknown;
    try {
      result = mine.length === 0 ? undefined : this.#host.applier.applyBatch?.(mine, tx);
    } catch (error) {
      fail(error);
    }
    progress.covered = slice.length;
    progress.handled = mine.length;
    return isPromiseLike(result) ? Promise.resolve(result).then(() => outcome, fail) : outcome;
  }

  #commitOne(event: RecordedEvent): Promise<HandlerFault | undefined> {
    return this.#commitSlice([event]).then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof SliceFailure) return new HandlerFault(error.cause);
        throw error;
      },
    );
  }

  async #applyThenCheckpoint(events: readonly RecordedEvent[]): Promise<void> {
    const host = this.#host;
    let covered = 0;
    let handled = 0;
    let failure: { error: unknown } | undefined;
    try {
      host.applier.prefetch?.(events.filter((event) => host.isMine(event)));
      for (let i = 0; i < events.length; i++) {
        if (i > 0 && host.pausing()) break;
        const event = events[i] as RecordedEvent;
        if (host.isMine(event)) {
          const outcome = await this.#withRetries(event, () => this.#handleAlone(event));
          if (outcome === 'aborted') break;
          if (outcome === 'done') handled++;
        }
        covered = i + 1;
      }
    } catch (error) {
      failure = { error }; // still checkpoint the events handled before it
    }
    const last = events[covered - 1];
    if (last !== undefined) {
      await runInTransaction(host.storage, { name: host.name, expected: host.stored() }, () => ({
        checkpoint: last.position,
      }));
      host.advance(last.position, handled);
    }
    if (failure !== undefined) throw failure.error;
  }

  async #handleAlone(event: RecordedEvent): Promise<HandlerFault | undefined> {
    const { applier, storage, name } = this.#host;
    let prepared: SliceWork<Tx> | undefined;
    try {
      prepared = await this.#prepare([event], { covered: 0, handled: 0 }, {}, true);
      if (prepared === undefined) await applier.apply(event, undefined);
    } catch (error) {
      return new HandlerFault(error instanceof SliceFailure ? error.cause : error);
    }
    // A prepared event's writes, on a storage that does not commit them with the checkpoint.
    if (prepared !== undefined) await runInTransaction(storage, { name }, prepared);
    return undefined;
  }

  /**
   * For an applier that prepares its slices: applies `events` ahead of the
   * transaction (a handler's failure is a {@link SliceFailure}) and returns
   * the transaction's work: the flush, then `outcome` (default: the
   * checkpoint at the last event covered). `undefined` for other appliers.
   */
  async #prepare(
    events: readonly RecordedEvent[],
    progress: { covered: number; handled: number },
    outcome?: TransactionOutcome,
    every = false,
  ): Promise<SliceWork<Tx> | undefined> {
    const { applier, storage } = this.#host;
    if (applier.prepare === undefined) return undefined;
    const slice = await applier.prepare(storage);
    const step = {
      apply: (event: RecordedEvent) => slice.apply(event),
      isMine: every ? () => true : this.#step.isMine,
      shouldStop: this.#step.shouldStop,
    };
    const applied = await applyEvents(events, undefined, step, progress);
    return (tx) => outcomeAfter(slice.flush(tx), outcome ?? applied);
  }

  /**
   * Tries `attempt` until it succeeds, with backoff, then parks the event or
   * stops. `'aborted'` when stopped (or the lease lost) while waiting to retry.
   */
  async #withRetries(
    event: RecordedEvent,
    attempt: () => Promise<HandlerFault | undefined>,
    firstFault?: HandlerFault,
  ): Promise<'done' | 'parked' | 'aborted'> {
    const host = this.#host;
    const { retry } = host;
    let fault = firstFault ?? (await attempt());
    if (fault === undefined) return 'done';
    throwIfConnectionLost(fault);
    let tries = 1;
    host.report(fault.cause, { event, attempt: tries });
    while (tries <= retry.maxRetries) {
      if (!(await host.sleep(backoffDelay(tries, retry)))) return 'aborted';
      fault = await attempt();
      tries++;
      if (fault === undefined) return 'done';
      throwIfConnectionLost(fault);
      host.report(fault.cause, { event, attempt: tries });
    }
    if (host.onFailure === 'stop') {
      throw new HandlerFailedError(host.name, event, tries, fault.cause);
    }
    const park = {
      subscription: host.name,
      event,
      error: toDeadLetterError(fault.cause),
      attempts: tries,
    };
    if (host.inTransaction) {
      // Parked together with the checkpoint past it.
      await runInTransaction(host.storage, { name: host.name, expected: host.stored() }, () => ({
        park,
        checkpoint: event.position,
      }));
      host.advance(event.position, 0);
    } else {
      await runInTransaction(host.storage, { name: host.name }, () => ({ park }));
    }
    return 'parked';
  }
}
