import { abortable, abortScope, type AbortOptions } from '../core/abort.js';
import type { Position } from '../core/position.js';
import { Deferred } from './deferred.js';

interface Waiter {
  readonly position: Position;
  readonly done: Deferred;
}

/** Callers of `waitForPosition`, resolved once the stored checkpoint reaches their position. */
export class PositionWaiters {
  readonly #waiters = new Set<Waiter>();

  /** How many callers wait. */
  get size(): number {
    return this.#waiters.size;
  }

  /**
   * A promise that resolves once {@link settle} sees a checkpoint at or past
   * `position`; it rejects with the signal's reason when `options.signal`
   * aborts or `options.timeoutMs` passes first, and the waiter is gone then.
   * Throws an `InvalidOptionError` for bad options.
   */
  add(position: Position, options?: AbortOptions): Promise<void> {
    const scope = abortScope(options);
    const waiter: Waiter = { position, done: new Deferred() };
    this.#waiters.add(waiter);
    if (scope.signal === undefined) return waiter.done.promise;
    return abortable(waiter.done.promise, scope.signal, () => this.#waiters.delete(waiter)).finally(
      () => scope[Symbol.dispose](),
    );
  }

  /** Resolves the waiters that `stored` has reached. */
  settle(stored: Position | null): void {
    if (stored === null) return;
    for (const waiter of this.#take((w) => stored >= w.position)) waiter.done.resolve();
  }

  /**
   * Resolves the waiters that the checkpoint `load` reads has reached (for
   * an instance waiting for the lease: the holder moves the stored
   * checkpoint). Does nothing when no one waits; a failed load goes to `onError`.
   */
  async settleFrom(
    load: () => Promise<Position | null>,
    onError: (error: unknown) => void,
  ): Promise<void> {
    if (this.#waiters.size === 0) return;
    try {
      this.settle(await load());
    } catch (error) {
      onError(error);
    }
  }

  /** Rejects every waiter with `error`. */
  fail(error: unknown): void {
    for (const waiter of this.#take(() => true)) waiter.done.reject(error);
  }

  #take(match: (waiter: Waiter) => boolean): Waiter[] {
    const taken = [...this.#waiters].filter(match);
    for (const waiter of taken) this.#waiters.delete(waiter);
    return taken;
  }
}
