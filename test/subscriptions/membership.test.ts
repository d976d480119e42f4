import { afterAll, describe, it } from 'vitest';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import {
  ComposedSubscriptionStorage,
  InMemoryCheckpointStore,
  InMemoryDeadLetterStore,
  InMemoryLeaseStore,
  InMemoryMembershipStore,
  InMemorySubscriptionStorage,
} from '../../src/subscriptions/index.js';
import { runMembershipStoreSuite } from '../../src/testing/index.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';

runMembershipStoreSuite('in-memory', {
  describe,
  it,
  createMembershipStore: () => Promise.resolve({ membership: new InMemoryMembershipStore() }),
});

runMembershipStoreSuite('in-memory subscription storage', {
  describe,
  it,
  createMembershipStore: () => {
    const { membership } = new InMemorySubscriptionStorage();
    if (membership === undefined) throw new Error('no membership store');
    return Promise.resolve({ membership });
  },
});

runMembershipStoreSuite('composed subscription storage', {
  describe,
  it,
  createMembershipStore: () => {
    const storage = new ComposedSubscriptionStorage({
      checkpoints: new InMemoryCheckpointStore(),
      deadLetters: new InMemoryDeadLetterStore(),
      leases: new InMemoryLeaseStore(),
      membership: new InMemoryMembershipStore(),
    });
    if (storage.membership === undefined) throw new Error('no membership store');
    return Promise.resolve({ membership: storage.membership });
  },
});

const dir = createTempDir('eventfold-membership-');
afterAll(() => dir.remove());

runMembershipStoreSuite('sqlite file', {
  describe,
  it,
  createMembershipStore: () => {
    const store = new SqliteEventStore(dir.file());
    const storage = new SqliteSubscriptionStorage(store);
    return Promise.resolve({ membership: storage.membership, close: () => store.close() });
  },
});

runMembershipStoreSuite('sqlite, two connections to one file', {
  describe,
  it,
  createMembershipStore: () => {
    const file = dir.file();
    const first = new SqliteEventStore(file);
    const second = new SqliteEventStore(file);
    const [a, b] = [new SqliteSubscriptionStorage(first), new SqliteSubscriptionStorage(second)];
    // Writes through one connection, reads through the other: the file is what they share.
    return Promise.resolve({
      membership: {
        heartbeat: (group, member, ttlMs) => a.membership.heartbeat(group, member, ttlMs),
        members: (group) => b.membership.members(group),
        leave: (group, member) => b.membership.leave(group, member),
      },
      close: async () => {
        await first.close();
        await second.close();
      },
    });
  },
});

const database = useTestDatabase('membership');

runMembershipStoreSuite('postgres', {
  describe,
  it,
  createMembershipStore: async () => {
    const store = await PostgresEventStore.connect({
      connectionString: database().url,
      schema: uniqueName('members'),
      notify: false,
    });
    const storage = new PostgresSubscriptionStorage(store);
    return {
      membership: storage.membership,
      close: async () => {
        await storage.close();
        await store.close();
      },
    };
  },
});
