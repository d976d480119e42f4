import { ComposedSubscriptionStorage } from './composed-subscription-storage.js';
import { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
import { InMemoryDocumentStorage } from './in-memory-document-storage.js';
import { InMemoryDeadLetterStore } from './in-memory-dead-letter-store.js';
import { InMemoryLeaseStore } from './in-memory-lease-store.js';
import { InMemoryMembershipStore } from './in-memory-membership-store.js';

/**
 * Checkpoints, dead letters, leases, group members and document collections in process memory: the storage of
 * subscriptions on the in-memory store, and of tests. Subscriptions sharing
 * one instance share checkpoints and leases.
 *
 * @example
 * ```ts
 * const storage = new InMemorySubscriptionStorage();
 * const sub = subscribe(store, { name: 'log', storage, handler: (e) => console.log(e.type) });
 * ```
 */
export class InMemorySubscriptionStorage extends ComposedSubscriptionStorage {
  constructor() {
    super({
      checkpoints: new InMemoryCheckpointStore(),
      deadLetters: new InMemoryDeadLetterStore(),
      leases: new InMemoryLeaseStore(),
      membership: new InMemoryMembershipStore(),
      documents: new InMemoryDocumentStorage(),
    });
  }
}
