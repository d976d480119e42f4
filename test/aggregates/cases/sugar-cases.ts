/** `AggregateStore` and the `saveAggregate` / `loadAggregate` functions on any backend. */
import { describe, expect, it } from 'vitest';
import {
  AggregateNotFoundError,
  AggregateRepository,
  AggregateStore,
  UnhandledEventError,
  loadAggregate,
  saveAggregate,
} from '../../../src/aggregates/index.js';
import { ValidationError } from '../../../src/index.js';
import { Account, BankAccount } from '../domain.js';
import { rejectionOf } from '../instrumented-store.js';
import type { WithStore } from './styles.js';

/** Registers the cases of the `store.save(aggregate)` / `store.load(Class, id)` sugar. */
export function sugarCases(withStore: WithStore): void {
  describe('AggregateStore, saveAggregate and loadAggregate (store.save / store.load)', () => {
    it('store.save(aggregate) then store.load(Class, id) and getAggregateVersion', () =>
      withStore(async (store) => {
        const aggregates = new AggregateStore(store);
        expect(await aggregates.load(BankAccount, 'user-123')).toBeUndefined();
        expect(await aggregates.getAggregateVersion(BankAccount, 'user-123')).toBeUndefined();
        const account = new BankAccount('user-123');
        account.open('John');
        await aggregates.save(account);
        account.deposit(10);
        await aggregates.save(account);
        const loaded = await aggregates.load(BankAccount, 'user-123');
        expect(loaded).toBeInstanceOf(BankAccount);
        expect(loaded?.balance).toBe(10);
        expect(loaded?.state.owner).toBe('John');
        expect(await aggregates.getAggregateVersion(BankAccount, 'user-123')).toBe(2);
        expect(await aggregates.getVersion(BankAccount, 'user-123')).toBe(2);
        expect(await aggregates.exists(BankAccount, 'user-123')).toBe(true);
        expect((await aggregates.get(BankAccount, 'user-123')).version).toBe(2);
        expect(
          AggregateNotFoundError.is(await rejectionOf(aggregates.get(BankAccount, 'nobody'))),
        ).toBe(true);
        expect((await aggregates.loadOrCreate(BankAccount, 'nobody')).version).toBe(0);
      }));

    it('works with deciders too, and keeps the two kinds in their own streams', () =>
      withStore(async (store) => {
        const aggregates = new AggregateStore(store);
        const account = Account.create('x');
        account.execute({ type: 'Open', owner: 'Ada' });
        await aggregates.save(account);
        expect((await aggregates.load(Account, 'x'))?.state.owner).toBe('Ada');
        expect(await aggregates.load(BankAccount, 'x')).toBeUndefined();
        expect(await store.exists('Account-x')).toBe(true);
      }));

    it('saveAggregate(store, aggregate) and loadAggregate(store, Class, id)', () =>
      withStore(async (store) => {
        const account = new BankAccount('fn-1');
        account.open('Ada');
        account.deposit(5);
        const saved = await saveAggregate(store, account);
        expect(saved.version).toBe(2);
        const loaded = await loadAggregate(store, BankAccount, 'fn-1');
        expect(loaded?.state).toEqual(account.state);
        expect(await loadAggregate(store, BankAccount, 'fn-2')).toBeUndefined();
      }));

    it('a repository refuses an aggregate of another type', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, BankAccount);
        const other = Account.create('o');
        other.execute({ type: 'Open', owner: 'Ada' });
        const error = await rejectionOf(repository.save(other as unknown as BankAccount));
        expect(ValidationError.is(error)).toBe(true);
        expect(await store.exists('Account-o')).toBe(false);
      }));

    it('an aggregate class declaring ignoreUnhandledEvents skips unknown stored events but counts them', () =>
      withStore(async (store) => {
        class LenientAccount extends BankAccount {
          static readonly ignoreUnhandledEvents = true;
        }
        await store.append('BankAccount-l1', [
          { type: 'AccountOpened', data: { owner: 'Ada' } },
          { type: 'AccountAudited', data: {} },
          { type: 'MoneyDeposited', data: { amount: 3 } },
        ]);
        const account = await loadAggregate(store, LenientAccount, 'l1');
        expect(account?.version).toBe(3);
        expect(account?.balance).toBe(3);
        expect(
          UnhandledEventError.is(await rejectionOf(loadAggregate(store, BankAccount, 'l1'))),
        ).toBe(true);
      }));
  });
}
