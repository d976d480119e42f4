import { describe, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import { InMemorySubscriptionStorage } from '../../src/subscriptions/index.js';
import { runDocumentStorageSuite } from '../../src/testing/index.js';

runDocumentStorageSuite('memory', {
  describe,
  it,
  open: () => {
    const store = new InMemoryEventStore();
    return Promise.resolve({
      store,
      storage: new InMemorySubscriptionStorage(),
      close: () => store.close(),
    });
  },
});
