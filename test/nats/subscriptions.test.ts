/** The shared subscription cases on the NATS event store with its key-value subscription storage. */
import { describe, expect, it } from 'vitest';
import { NatsEventStore, NatsSubscriptionStorage } from '../../src/stores/nats/index.js';
import { subscribe } from '../../src/subscriptions/index.js';
import { uniquePrefix, useNats } from '../support/nats-test.js';
import { waitFor } from '../support/wait.js';
import { natsBackend } from '../subscriptions/support/nats-backend.js';
import { runSubscriptionCases } from '../subscriptions/support/subscription-cases.js';

const nats = useNats();

runSubscriptionCases(
  natsBackend({
    connection: () => nats.connection(),
    connectAnother: () => nats.connectAnother(),
    uniqueStream: () => uniquePrefix('subs'),
  }),
);

describe('NATS default subscription storage', () => {
  it("a subscription without storage keeps its checkpoint in the store's buckets", async () => {
    const stream = uniquePrefix('dflt');
    const store = await NatsEventStore.connect({ connection: nats.connection(), stream });
    await store.append('Task-1', [{ type: 'Created', data: {} }]);
    const seen: string[] = [];
    const subscription = subscribe(store, {
      name: 'default-storage',
      handler: (event) => {
        seen.push(event.streamId);
      },
    });
    await waitFor(() => seen.length === 1, 'the event handled');
    await subscription.stop();
    const storage = new NatsSubscriptionStorage(nats.connection(), { prefix: stream });
    expect((await storage.checkpoints.load('default-storage'))?.position).toBe(
      (await store.readAll().toArray())[0]?.position,
    );
    await storage.close();
    await store.close();
  });
});
