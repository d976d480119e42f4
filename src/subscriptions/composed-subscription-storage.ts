import { applyOutcome } from '../core/contracts/apply-outcome.js';
import { CheckpointConflictError } from '../core/contracts/checkpoint-conflict-error.js';
import type { CheckpointStore } from '../core/contracts/checkpoint-store.js';
import type { DeadLetterStore } from '../core/contracts/dead-letter-store.js';
import type { DocumentStorage } from '../core/contracts/document-storage.js';
import type { LeaseStore } from '../core/contracts/lease-store.js';
import type { MembershipStore } from '../core/contracts/membership-store.js';
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
  /** The live members of rebalancing consumer groups (a group whose partitions move needs it). */
  readonly membership?: MembershipStore | undefined;
  /** Document collections (document projections need them; written in this storage's transactions). */
  readonly documents?: DocumentStorage | undefined;
}

/**
 * A subscription storage made of separate checkpoint, dead-letter, lease (and
 * membership) stores (yours, or the in-memory ones). Without `atomicReadModels`: the work
 * runs first, then the outcome is written store by store, and the checkpoint
 * is written last and conditionally, so delivery is at-least-once. Projection
 * handlers get `undefined`.
 *
 * @example
 * ```ts
 * const storage = new ComposedSubscriptionStorage({
 *   checkpoints: new RedisCheckpointStore(redis), // your own CheckpointStore
 *   deadLetters: new InMemoryDeadLetterStore(),
 *   leases: new InMemoryLeaseStore(),
 *   membership: new InMemoryMembershipStore(), // for rebalancing consumer groups
 * });
 * ```
 */
export class ComposedSubscriptionStorage implements SubscriptionStorage {
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  readonly leases: LeaseStore;
  /** The members of rebalancing consumer groups, when given. */
  readonly membership: MembershipStore | undefined;
  readonly documents: DocumentStorage | undefined;
  readonly capabilities = { atomicReadModels: false, synchronousTransactions: false } as const;

  constructor(parts: SubscriptionStorageParts) {
    this.checkpoints = parts.checkpoints;
    this.deadLetters = parts.deadLetters;
    this.leases = parts.leases;
    this.membership = parts.membership;
    this.documents = parts.documents;
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
    await applyOutcome(outcome, name, {
      park: (letter) => this.deadLetters.park(letter),
      unpark: async (subscription, eventId) => {
        await this.deadLetters.remove(subscription, eventId);
      },
      clearDeadLetters: async (subscription) => {
        await this.deadLetters.clear(subscription);
      },
      // The scope's own checkpoint is written last, and only if it is still the expected one.
      saveCheckpoint: (checkpoint, position) =>
        this.checkpoints.save(
          checkpoint,
          position,
          checkpoint === name && expected !== undefined ? { expected } : {},
        ),
    });
  }
}
