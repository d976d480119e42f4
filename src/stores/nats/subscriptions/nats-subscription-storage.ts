import type { NatsConnection } from '@nats-io/transport-node';
import { applyOutcome } from '../../../core/contracts/apply-outcome.js';
import { CheckpointConflictError } from '../../../core/contracts/checkpoint-conflict-error.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import type {
  SubscriptionStorage,
  TransactionOutcome,
  TransactionScope,
} from '../../../core/contracts/subscription-storage.js';
import { NatsBuckets, type BucketKind, type NatsKvOptions } from '../nats-kv.js';
import { NatsCheckpointStore } from './nats-checkpoint-store.js';
import { NatsDeadLetterStore } from './nats-dead-letter-store.js';
import { NatsLeaseStore } from './nats-lease-store.js';
import { NatsMembershipStore } from './nats-membership-store.js';

/** The buckets of a {@link NatsSubscriptionStorage}. */
const BUCKETS: readonly BucketKind[] = ['checkpoints', 'dead-letters', 'leases', 'members'];

/**
 * Subscription state in JetStream key-value buckets (`@nats-io/kv`): the
 * checkpoints, dead letters, leases and consumer-group members of
 * subscriptions, in the buckets `<prefix>-checkpoints`, `<prefix>-dead-letters`,
 * `<prefix>-leases` and `<prefix>-members` (file storage, one value per key,
 * created on first use or by {@link NatsSubscriptionStorage.ensure}).
 *
 * A key-value bucket has no transactions, so this storage has no
 * `atomicReadModels`: a projection's handlers get `undefined` and write their
 * read model themselves, then the checkpoint is written on its own, after
 * them. A process that dies in between handles those events again on its
 * next run: delivery is at-least-once, as with the in-memory storage, and
 * handlers must be idempotent. The checkpoint write is a compare-and-set on
 * the revision read when the transaction began, so two instances (or an
 * instance and a rebuild) never both move one checkpoint: the later one gets
 * a `CheckpointConflictError` and reloads. The other writes of an outcome
 * (dead letters, the checkpoints of `alsoLocks` on a rebuild) are not locked.
 *
 * The connection is yours: `close()` (or `await using`) releases the leases
 * this storage holds and leaves the connection open.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { NatsSubscriptionStorage } from 'eventfold/nats';
 *
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * await using storage = new NatsSubscriptionStorage(nc, { prefix: 'orders' });
 * await storage.checkpoints.save('emailer', null); // from the start on its next run
 * ```
 */
export class NatsSubscriptionStorage implements SubscriptionStorage, AsyncDisposable {
  readonly capabilities = { atomicReadModels: false, synchronousTransactions: false } as const;
  readonly checkpoints: NatsCheckpointStore;
  readonly deadLetters: NatsDeadLetterStore;
  readonly leases: NatsLeaseStore;
  /** The live members of consumer groups (their heartbeats). */
  readonly membership: NatsMembershipStore;
  /** The first part of the names of its buckets. */
  readonly prefix: string;
  readonly #buckets: NatsBuckets;

  /**
   * Uses `connection` (a `NatsConnection` of `@nats-io/transport-node`, with
   * JetStream enabled on the server) and the buckets of `options.prefix`.
   * Throws an `InvalidOptionError` naming a bad connection, prefix or replica count.
   */
  constructor(connection: NatsConnection, options: NatsKvOptions) {
    this.#buckets = new NatsBuckets(connection, options);
    this.prefix = this.#buckets.prefix;
    this.checkpoints = new NatsCheckpointStore(this.#buckets);
    this.deadLetters = new NatsDeadLetterStore(this.#buckets);
    this.leases = new NatsLeaseStore(this.#buckets);
    this.membership = new NatsMembershipStore(this.#buckets);
  }

  /**
   * Creates the storage's buckets that do not exist yet (each is otherwise
   * created on first use). Rejects with a `DatabaseError` when the server
   * refuses (JetStream disabled, no room, no permission).
   *
   * @example
   * ```ts
   * await new NatsSubscriptionStorage(nc, { prefix: 'orders' }).ensure(); // fail now rather than later
   * ```
   */
  async ensure(): Promise<void> {
    await Promise.all(BUCKETS.map((kind) => this.#buckets.bucket(kind)));
  }

  async transaction(
    scope: TransactionScope,
    work: (tx: undefined) => TransactionOutcome | Promise<TransactionOutcome>,
  ): Promise<void> {
    const { name, expected } = scope;
    assertSubscriptionName(name);
    let revision: number | undefined;
    if (expected !== undefined) {
      const read = await this.checkpoints.read(name);
      if (read.position !== expected)
        throw new CheckpointConflictError(name, expected, read.position);
      revision = read.revision;
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
      // The scope's own checkpoint is written last, and only if its key is still at the revision checked.
      saveCheckpoint: (checkpoint, position) =>
        checkpoint === name && revision !== undefined && expected !== undefined
          ? this.checkpoints.replace(name, position, revision, expected)
          : this.checkpoints.save(checkpoint, position),
    });
  }

  /** Releases the leases it holds; the connection stays open (it is yours). */
  close(): Promise<void> {
    return this.leases.close();
  }

  /** The same as {@link NatsSubscriptionStorage.close}: `await using storage = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
