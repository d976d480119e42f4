import { describe, expect, it } from 'vitest';
import { InMemoryEventStore, InvalidOptionError, type StoreCapabilities } from '../../src/index.js';
import { InMemorySubscriptionStorage, subscribe } from '../../src/subscriptions/index.js';
import { thrown } from '../support/rejection.js';
import { within } from '../support/wait.js';

const created = { type: 'Created', data: {} };

describe('a subscription without a storage', () => {
  it('on the in-memory store shares one in-memory storage per store: a restart resumes from the checkpoint', async () => {
    await using store = new InMemoryEventStore();
    const seen: number[] = [];
    await store.append('Task-1', [created, created]);
    const first = subscribe(store, { name: 'log', handler: (e) => void seen.push(e.version) });
    expect(first.storage).toBeInstanceOf(InMemorySubscriptionStorage);
    await within(first.caughtUp, 'the first run');
    await first.stop();
    const last = await store.append('Task-1', [created]);
    const again = subscribe(store, { name: 'log', handler: (e) => void seen.push(e.version) });
    expect(again.storage).toBe(first.storage);
    await within(again.waitForPosition(last.position), 'the restart');
    await again.stop();
    expect(seen).toEqual([1, 2, 3]);
    await using other = new InMemoryEventStore();
    const elsewhere = subscribe(other, { name: 'log', handler: () => undefined });
    expect(elsewhere.storage).not.toBe(first.storage);
    await elsewhere.stop();
  });

  it('on a durable store without a storage of its own is refused with an InvalidOptionError', async () => {
    class DurableStore extends InMemoryEventStore {
      override readonly capabilities: StoreCapabilities = {
        ...new InMemoryEventStore().capabilities,
        durable: true,
      };
    }
    await using store = new DurableStore();
    const error = thrown(() => subscribe(store, { name: 'mailer', handler: () => undefined }));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: 'storage' });
    expect((error as Error).message).toMatch(/lost on restart/);
    const storage = new InMemorySubscriptionStorage();
    const sub = subscribe(store, { name: 'mailer', storage, handler: () => undefined });
    expect(sub.storage).toBe(storage);
    await sub.stop();
  });
});
