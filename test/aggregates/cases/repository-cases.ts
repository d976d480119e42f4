/** Loading and saving through a repository, in both styles, on any backend. */
import { describe, expect, it } from 'vitest';
import {
  AggregateNotFoundError,
  AggregateRepository,
  UnhandledEventError,
  type AggregateRoot,
} from '../../../src/aggregates/index.js';
import { ConcurrencyError, ValidationError } from '../../../src/index.js';
import type { AccountEvent, AccountState } from '../domain.js';
import { InstrumentedStore, rejectionOf } from '../instrumented-store.js';
import { run, type Style, type WithStore } from './styles.js';

/** Registers the repository cases of one style. */
export function repositoryCases<A extends AggregateRoot<AccountEvent, AccountState>>(
  style: Style<A>,
  withStore: WithStore,
): void {
  describe(`repository, ${style.name}`, () => {
    it('load → undefined, get → AggregateNotFoundError, exists → false, getVersion → 0 for a missing aggregate', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        expect(await repository.load('missing')).toBeUndefined();
        const error = await rejectionOf(repository.get('missing'));
        expect(AggregateNotFoundError.is(error)).toBe(true);
        expect((error as AggregateNotFoundError).code).toBe('AGGREGATE_NOT_FOUND');
        expect((error as AggregateNotFoundError).aggregateId).toBe(`${style.type}-missing`);
        expect(await repository.exists('missing')).toBe(false);
        expect(await repository.getVersion('missing')).toBe(0);
      }));

    it('loadOrCreate gives a new aggregate; save appends its events to `${type}-${id}` and marks them committed', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        const account = await repository.loadOrCreate('a1');
        expect([
          account.version,
          account.persistedVersion,
          account.uncommittedEvents.length,
        ]).toEqual([0, 0, 0]);
        run(style, account, { type: 'Open', owner: 'Ada' }, { type: 'Deposit', amount: 50 });
        expect(account.version).toBe(2);
        expect(account.persistedVersion).toBe(0);
        expect(account.uncommittedEvents.map((e) => e.type)).toEqual([
          'AccountOpened',
          'MoneyDeposited',
        ]);
        const saved = await repository.save(account);
        expect(saved.streamId).toBe(`${style.type}-a1`);
        expect(saved.version).toBe(2);
        expect(saved.events.map((e) => e.type)).toEqual(['AccountOpened', 'MoneyDeposited']);
        expect(account.uncommittedEvents).toEqual([]);
        expect(account.persistedVersion).toBe(2);
        const stream = await store.read(`${style.type}-a1`);
        expect(stream.events.map((e) => [e.version, e.type, e.data])).toEqual([
          [1, 'AccountOpened', { owner: 'Ada' }],
          [2, 'MoneyDeposited', { amount: 50 }],
        ]);
        expect(await repository.exists('a1')).toBe(true);
        expect(await repository.getVersion('a1')).toBe(2);
      }));

    it('load and get rebuild the state from the stream', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        const account = repository.create('a2');
        run(style, account, { type: 'Open', owner: 'Ada' }, { type: 'Deposit', amount: 70 });
        await repository.save(account);
        run(style, account, { type: 'Withdraw', amount: 20 });
        await repository.save(account);
        const loaded = await repository.get('a2');
        expect(loaded.state).toEqual({
          status: 'open',
          owner: 'Ada',
          balance: 50,
          transactions: 2,
        });
        expect(loaded.state).toEqual(account.state);
        expect([loaded.version, loaded.persistedVersion, loaded.uncommittedEvents.length]).toEqual([
          3, 3, 0,
        ]);
        expect(loaded.id).toBe('a2');
        expect(loaded.streamId).toBe(`${style.type}-a2`);
      }));

    it('save with nothing uncommitted appends nothing', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const repository = new AggregateRepository(instrumented, style.kind);
        const account = repository.create('a3');
        run(style, account, { type: 'Open', owner: 'Ada' });
        await repository.save(account);
        const again = await repository.save(account);
        expect(again).toMatchObject({ version: 1, events: [], position: undefined });
        expect(instrumented.appends).toBe(1);
      }));

    it('save of a stale aggregate throws ConcurrencyError with the actual version and keeps its events', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        const first = repository.create('a4');
        run(style, first, { type: 'Open', owner: 'Ada' });
        await repository.save(first);
        const one = await repository.get('a4');
        const two = await repository.get('a4');
        run(style, one, { type: 'Deposit', amount: 1 });
        run(style, two, { type: 'Deposit', amount: 2 });
        await repository.save(one);
        const error = await rejectionOf(repository.save(two));
        expect(ConcurrencyError.is(error)).toBe(true);
        expect((error as ConcurrencyError).expectedVersion).toBe(1);
        expect((error as ConcurrencyError).actualVersion).toBe(2);
        expect(two.uncommittedEvents).toHaveLength(1);
        expect(two.persistedVersion).toBe(1);
        expect((await repository.get('a4')).state.balance).toBe(1);
      }));

    it('save of a new aggregate over an existing stream throws ConcurrencyError (NoStream)', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        const first = repository.create('a5');
        run(style, first, { type: 'Open', owner: 'Ada' });
        await repository.save(first);
        const duplicate = repository.create('a5');
        run(style, duplicate, { type: 'Open', owner: 'Eve' });
        const error = await rejectionOf(repository.save(duplicate));
        expect(ConcurrencyError.is(error)).toBe(true);
        expect((error as ConcurrencyError).expectedVersion).toBe('no_stream');
        expect((error as ConcurrencyError).actualVersion).toBe(1);
      }));

    it('an event raised while a save is in flight stays uncommitted', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const repository = new AggregateRepository(instrumented, style.kind);
        const account = repository.create('a7');
        run(style, account, { type: 'Open', owner: 'Ada' });
        instrumented.beforeAppend = () => {
          run(style, account, { type: 'Deposit', amount: 5 });
          return Promise.resolve();
        };
        const saved = await repository.save(account);
        expect(saved.events.map((e) => e.type)).toEqual(['AccountOpened']);
        expect(account.uncommittedEvents.map((e) => e.type)).toEqual(['MoneyDeposited']);
        expect([account.persistedVersion, account.version]).toEqual([1, 2]);
        instrumented.beforeAppend = undefined;
        await repository.save(account);
        expect((await repository.get('a7')).state.balance).toBe(5);
      }));

    it('an event type without a handler in the stream is an UnhandledEventError on load', () =>
      withStore(async (store) => {
        await store.append(`${style.type}-a6`, [
          { type: 'AccountOpened', data: { owner: 'Ada' } },
          { type: 'AccountAudited', data: {} },
        ]);
        const repository = new AggregateRepository(store, style.kind);
        const error = await rejectionOf(repository.load('a6'));
        expect(UnhandledEventError.is(error)).toBe(true);
        expect((error as UnhandledEventError).eventType).toBe('AccountAudited');
        expect((error as UnhandledEventError).message).toMatch(
          /no handler for event type "AccountAudited"/,
        );
      }));

    it('refuses ids that cannot make a stream id, before touching the store', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        expect(ValidationError.is(await rejectionOf(repository.load('')))).toBe(true);
        expect(() => repository.create('')).toThrow(ValidationError);
      }));
  });
}
