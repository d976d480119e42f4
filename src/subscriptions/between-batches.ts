import { Deferred } from './deferred.js';

/** Tasks (rebuild, replay) that must run between a subscription's batches, in order. */
export class BetweenBatches {
  readonly #tasks: (() => Promise<void>)[] = [];

  /** Queues `task`; the caller must wake the loop, which calls {@link runAll} between batches. */
  queue<T>(task: () => Promise<T>): Promise<T> {
    const done = new Deferred<T>();
    this.#tasks.push(() =>
      task().then(
        (value) => done.resolve(value),
        (error: unknown) => done.reject(error),
      ),
    );
    return done.promise;
  }

  /** Runs the queued tasks, oldest first, including any queued meanwhile. */
  async runAll(): Promise<void> {
    for (let task = this.#tasks.shift(); task !== undefined; task = this.#tasks.shift()) {
      await task();
    }
  }
}
