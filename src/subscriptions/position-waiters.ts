import type { Position } from '../core/position.js';
import { Deferred } from './deferred.js';

/** Callers of `waitForPosition`, resolved once the stored checkpoint reaches their position. */
export class PositionWaiters {
  readonly #waiters: { position: Position; done: Deferred }[] = [];

  /** A promise that resolves once {@link settle} sees a checkpoint at or past `position`. */
  add(position: Position): Promise<void> {
    const done = new Deferred<void>();
    this.#waiters.push({ position, done });
    return done.promise;
  }

  /** Resolves the waiters that `stored` has reached. */
  settle(stored: Position | null): void {
    if (stored === null) return;
    this.#take((w) => stored >= w.position).forEach((w) => w.done.resolve());
  }

  /** Rejects every waiter with `error`. */
  fail(error: unknown): void {
    this.#take(() => true).forEach((w) => w.done.reject(error));
  }

  #take(match: (w: { position: Position }) => boolean): { done: Deferred }[] {
    const taken: { done: Deferred }[] = [];
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const waiter = this.#waiters[i] as { position: Position; done: Deferred };
      if (!match(waiter)) continue;
      taken.push(waiter);
      this.#waiters.splice(i, 1);
    }
    return taken;
  }
}
