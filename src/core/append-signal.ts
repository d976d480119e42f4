/**
 * Stops listening for appends; `ready` resolves once the listener is active
 * (at once for in-process signals; after `LISTEN` for PostgreSQL).
 */
export interface AppendSubscription extends Disposable, AsyncDisposable {
  (): void;
  /** Resolves when the listener is active (or the store closed). Never rejects. */
  readonly ready: Promise<void>;
}

/**
 * Makes an {@link AppendSubscription} of a function that stops listening
 * (for backend authors): `using` and `await using` call it too.
 */
export function appendSubscription(stop: () => void, ready: Promise<void>): AppendSubscription {
  return Object.assign(() => stop(), {
    ready,
    [Symbol.dispose]: stop,
    [Symbol.asyncDispose]: () => {
      stop();
      return Promise.resolve();
    },
  });
}

/**
 * An in-process wake-up for stores whose appends happen in this process
 * (for backend authors): `notify()` after a commit calls every listener once,
 * on the next turn of the event loop, however many appends happened meanwhile.
 */
export class AppendSignal {
  readonly #listeners = new Set<() => void>();
  #scheduled = false;

  /** Adds a listener; the returned function removes it. */
  add(listener: () => void): AppendSubscription {
    this.#listeners.add(listener);
    return appendSubscription(() => {
      this.#listeners.delete(listener);
    }, Promise.resolve());
  }

  /** Schedules one wake-up of every listener (coalesced). */
  notify(): void {
    if (this.#scheduled || this.#listeners.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      for (const listener of [...this.#listeners]) {
        try {
          listener();
        } catch {
          // A wake-up is a hint; a throwing listener must not break appends or other listeners.
        }
      }
    });
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
