import assert from 'node:assert/strict';
import { type CaseContext, events, rejectsWith } from './fixtures.js';

/** Closing a store. */
export function lifecycleCases({ describe, it, options, withStore }: CaseContext): void {
  describe('lifecycle', () => {
    it('wakes onAppended listeners after a commit, coalesced, until they stop', () =>
      withStore(async (store) => {
        if (store.onAppended === undefined) return;
        let wakeUps = 0;
        let woken: () => void = () => undefined;
        const stop = store.onAppended(() => {
          wakeUps++;
          woken();
        });
        await stop.ready;
        const wake = new Promise<void>((resolve) => (woken = resolve));
        await store.append('w-1', events(1));
        await wake;
        assert.ok(wakeUps >= 1);
        stop();
        const before = wakeUps;
        await store.append('w-1', events(1));
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(wakeUps, before, 'no wake-up after stop');
      }));

    it('close is idempotent and every later call fails with STORE_CLOSED', async () => {
      const store = await options.createStore({});
      await store.append('l-1', events(1));
      await store.close();
      await store.close();
      await rejectsWith(store.append('l-1', events(1)), 'STORE_CLOSED');
      await rejectsWith(store.read('l-1'), 'STORE_CLOSED');
      await rejectsWith(store.readAllPage(), 'STORE_CLOSED');
      await rejectsWith(store.readAll().toArray(), 'STORE_CLOSED');
      await rejectsWith(store.exists('l-1'), 'STORE_CLOSED');
      await rejectsWith(store.getVersion('l-1'), 'STORE_CLOSED');
      assert.ok(true);
    });
  });
}
