import type { Position } from '../core/position.js';
import { CheckpointConflictError } from '../core/contracts/checkpoint-conflict-error.js';
import type {
  Checkpoint,
  CheckpointStore,
  ExpectedCheckpoint,
} from '../core/contracts/checkpoint-store.js';
import { assertSubscriptionName } from '../core/contracts/subscription-name.js';

/**
 * Checkpoints in process memory, gone when the process ends: for tests, the
 * in-memory store, and subscriptions that start from `'end'` on every run.
 *
 * @example
 * ```ts
 * const checkpoints = new InMemoryCheckpointStore();
 * await checkpoints.save('emailer', position);
 * ```
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly #rows = new Map<string, Checkpoint>();

  load(name: string): Promise<Checkpoint | undefined> {
    return attempt(() => {
      assertSubscriptionName(name);
      return this.#rows.get(name);
    });
  }

  list(): Promise<Checkpoint[]> {
    return Promise.resolve(
      [...this.#rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
  }

  save(
    name: string,
    position: Position | null,
    options: { expected?: ExpectedCheckpoint } = {},
  ): Promise<void> {
    return attempt(() => {
      assertSubscriptionName(name);
      if ('expected' in options && options.expected !== undefined) {
        const actual = this.#rows.get(name)?.position ?? null;
        if (actual !== options.expected)
          throw new CheckpointConflictError(name, options.expected, actual);
      }
      this.#rows.set(name, { name, position, updatedAt: new Date() });
    });
  }

  delete(name: string): Promise<boolean> {
    return attempt(() => {
      assertSubscriptionName(name);
      return this.#rows.delete(name);
    });
  }
}

/** Runs `fn` now; its throw becomes the rejection. */
function attempt<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}
