import assert from 'node:assert/strict';
import { type CaseContext, events, rejectsWith } from './fixtures.js';

/** Closing a store. */
export function lifecycleCases({ describe, it, options }: CaseContext): void {
  describe('lifecycle', () => {
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
