import { CheckpointConflictError } from '../core/contracts/checkpoint-conflict-error.js';
import type { CheckpointStore } from '../core/contracts/checkpoint-store.js';
import type { DeadLetterStore } from '../core/contracts/dead-letter-store.js';
import type { LeaseStore } from '../core/contracts/lease-store.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../core/contracts/subscription-storage.js';

/** The parts of a {@link ComposedSubscriptionStorage}. */
export interface SubscriptionStorageParts {
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  readonly leases: LeaseStore;
}

/**
 * A subscription storage made of separate checkpoint, dead-letter and lease
 * stores (yours, or the in-memory ones). Not atomic: the work runs first, then
 * the outcome is written store by store, and the checkpoint is written last and
 * conditionally, so delivery is at-least-once. Projection handlers get `undefined`.
 *
 * @example
 * ```ts
 * const storage = new ComposedSubscriptionStorage({
 *   checkpoints: new RedisCheckpointStore(redis), // your own CheckpointStore
 *   deadLetters: new InMemoryDeadLetterStore(),
 *   leases: new InMemoryLeaseStore(),
 * });
 * ```
 */
export class ComposedSubscriptionStorage implements SubscriptionStorage {
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  readonly leases: LeaseStore;
  readonly atomic: boolean = false;

  constructor(parts: SubscriptionStorageParts) {
    this.checkpoints = parts.checkpoints;
    this.deadLetters = parts.deadLetters;
    this.leases = parts.leases;
  }

  async transaction(
    scope: TransactionScope,
    work: (tx: undefined) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void> {
    const { name, expected } = scope;
    if (expected !== undefined) {
      const actual = (await this.checkpoints.load(name))?.position ?? null;
      if (actual !== expected) throw new CheckpointConflictError(name, expected, actual);
    }
    const outcome = await work(undefined);
    if (outcome.park !== undefined) await this.deadLetters.park(outcome.park);
    if (outcome.unpark !== undefined) await this.deadLetters.remove(name, outcome.unpark);
    for (const reset of outcome.reset ?? []) {
      await this.deadLetters.clear(reset);
      if (reset !== name) await this.checkpoints.save(reset, null);
    }
    const checkpoint = outcome.reset?.includes(name) === true ? null : outcome.checkpoint;
    if (checkpoint !== undefined) {
      await this.checkpoints.save(name, checkpoint, expected === undefined ? {} : { expected });
    }
  }
}
