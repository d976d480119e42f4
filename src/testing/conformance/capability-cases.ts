import assert from 'node:assert/strict';
import type { StoreCapabilities } from '../../core/capabilities.js';
import type { CaseContext } from './fixtures.js';

const FLAGS: readonly (keyof StoreCapabilities)[] = [
  'multiProcess',
  'durable',
  'crossProcessNotifications',
  'atomicReadModels',
  'synchronousTransactions',
  'delayedVisibility',
  'atomicMultiStreamAppends',
];

/** The store declares the capabilities the suite was told, and they make sense together. */
export function capabilityCases({ describe, it, options, withStore }: CaseContext): void {
  describe('capabilities', () => {
    it('declares exactly the capabilities the suite was told', () =>
      withStore(async (store) => {
        assert.deepEqual(Object.keys(store.capabilities).sort(), [...FLAGS].sort());
        for (const flag of FLAGS) {
          assert.equal(typeof store.capabilities[flag], 'boolean', flag);
          assert.equal(store.capabilities[flag], options.capabilities[flag], flag);
        }
        await store.append('cap-1', [{ type: 'A', data: {} }]);
        assert.deepEqual(
          { ...store.capabilities },
          { ...options.capabilities },
          'unchanged by use',
        );
      }));

    it('declares flags that agree with each other', () =>
      withStore((store) => {
        const c = store.capabilities;
        const implies = (a: boolean, b: boolean) => !a || b;
        assert.equal(
          implies(c.synchronousTransactions, c.atomicReadModels),
          true,
          'synchronousTransactions describes the transaction of atomicReadModels',
        );
        assert.equal(
          implies(c.crossProcessNotifications, c.multiProcess),
          true,
          'crossProcessNotifications needs multiProcess',
        );
        assert.equal(
          implies(c.multiProcess, c.durable),
          true,
          'storage that several processes share outlives each of them',
        );
        return Promise.resolve();
      }));
  });
}
