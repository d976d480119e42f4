import { describe, expect, it } from 'vitest';
import {
  Aggregate,
  AggregateRepository,
  AggregateRoot,
  DeciderAggregate,
  UnhandledEventError,
  aggregateStreamId,
  evolveWith,
  fromDecider,
  withEventContext,
  type EventHandlers,
} from '../../src/aggregates/index.js';
import {
  EventfoldError,
  InMemoryEventStore,
  ValidationError,
  type NewEvent,
} from '../../src/index.js';
import {
  AccountError,
  AccountOpened,
  BankAccount,
  MoneyDeposited,
  MoneyWithdrawn,
  accountDecider,
  accountHandlers,
  initialAccount,
  type AccountEvent,
  type AccountState,
} from './domain.js';

describe('Aggregate (class style)', () => {
  it('raise applies the event, then records it as uncommitted', () => {
    const account = new BankAccount('1');
    expect(account.state).toEqual(initialAccount);
    account.open('Ada');
    account.deposit(30);
    expect(account.state).toEqual({ status: 'open', owner: 'Ada', balance: 30, transactions: 1 });
    expect(account.version).toBe(2);
    expect(account.persistedVersion).toBe(0);
    expect(account.uncommittedEvents).toEqual([
      AccountOpened({ owner: 'Ada' }),
      MoneyDeposited({ amount: 30 }),
    ]);
    account.markCommitted();
    expect(account.uncommittedEvents).toEqual([]);
    expect(account.persistedVersion).toBe(2);
    expect(account.version).toBe(2);
  });

  it('markCommitted(count) commits only the oldest events', () => {
    const account = new BankAccount('1');
    account.open('Ada');
    account.deposit(1);
    account.deposit(2);
    account.markCommitted(2);
    expect([account.persistedVersion, account.version, account.uncommittedEvents.length]).toEqual([
      2, 3, 1,
    ]);
    expect(() => account.markCommitted(2)).toThrow(ValidationError);
    account.markCommitted();
    expect([account.persistedVersion, account.uncommittedEvents.length]).toEqual([3, 0]);
  });

  it('a rejected command raises nothing', () => {
    const account = new BankAccount('1');
    expect(() => account.deposit(5)).toThrow(AccountError);
    expect(account.version).toBe(0);
    expect(account.uncommittedEvents).toEqual([]);
  });

  it('declares its stream category statically: stream ids are `${type}-${id}`', () => {
    const account = new BankAccount('user-123');
    expect(account.aggregateType).toBe('BankAccount');
    expect(account.streamId).toBe('BankAccount-user-123');
    expect(account.schemaVersion).toBe(1);
    expect(aggregateStreamId('Task', '42')).toBe('Task-42');
    expect(() => aggregateStreamId('Bank-Account', '1')).toThrow(ValidationError);
    expect(() => aggregateStreamId('', '1')).toThrow(ValidationError);
    expect(() => new BankAccount('')).toThrow(ValidationError);
  });

  it('a class without `static type` is a clear error', () => {
    class Untyped extends Aggregate<AccountEvent, AccountState> {
      protected override readonly handlers = accountHandlers;
      protected override initialState(): AccountState {
        return initialAccount;
      }
    }
    const untyped = new Untyped('1');
    expect(() => untyped.streamId).toThrow(/Untyped must declare its aggregate type/);
    const store = new InMemoryEventStore();
    // @ts-expect-error -- the compiler requires `static type` too
    expect(() => new AggregateRepository(store, Untyped)).toThrow(/static readonly type/);
  });

  it('loadFromHistory folds recorded events, checks their versions, and leaves the aggregate unchanged on failure', () => {
    const account = new BankAccount('1');
    account.loadFromHistory([AccountOpened({ owner: 'Ada' }), MoneyDeposited({ amount: 5 })]);
    expect([account.version, account.persistedVersion, account.state.balance]).toEqual([2, 2, 5]);
    const gap = { ...MoneyDeposited({ amount: 1 }), version: 4 };
    expect(() => account.loadFromHistory([gap])).toThrow(/version 4 does not follow version 2/);
    const unknown = { type: 'Nope', data: {} } as unknown as AccountEvent;
    expect(() => account.loadFromHistory([MoneyDeposited({ amount: 1 }), unknown])).toThrow(
      UnhandledEventError,
    );
    expect([account.version, account.state.balance]).toEqual([2, 5]);
    account.deposit(1);
    expect(() => account.loadFromHistory([])).toThrow(/uncommitted events/);
  });

  it('restoreSnapshot only starts a fresh aggregate', () => {
    const account = new BankAccount('1');
    account.restoreSnapshot({ status: 'open', owner: 'Ada', balance: 9, transactions: 3 }, 4);
    expect([account.version, account.persistedVersion, account.balance]).toEqual([4, 4, 9]);
    const next = { ...MoneyWithdrawn({ amount: 2 }), version: 5 };
    account.loadFromHistory([next]);
    expect([account.version, account.balance]).toEqual([5, 7]);
    expect(() => account.restoreSnapshot(initialAccount, 1)).toThrow(/fresh aggregate/);
    expect(() => new BankAccount('2').restoreSnapshot(initialAccount, -1)).toThrow(ValidationError);
  });

  it('raising an event type without a handler is an UnhandledEventError and records nothing', () => {
    const account = new BankAccount('1');
    const error = (() => {
      try {
        account.raise({ type: 'toString', data: {} } as unknown as AccountEvent);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(UnhandledEventError.is(error)).toBe(true);
    expect(EventfoldError.is(error)).toBe(true);
    expect((error as UnhandledEventError).aggregateType).toBe('BankAccount');
    expect((error as UnhandledEventError).eventType).toBe('toString');
    expect((error as Error).message).toBe(
      'BankAccount has no handler for event type "toString": add one, or declare that BankAccount ignores unhandled events',
    );
    expect(account.version).toBe(0);
    expect(UnhandledEventError.is(new ValidationError('x'))).toBe(false);
    expect(UnhandledEventError.is(new Error('x'))).toBe(false);
  });

  it('AggregateRoot can be extended directly with a hand-written evolve', () => {
    type Bumped = NewEvent<'Bumped', { by: number }>;
    class Counter extends AggregateRoot<Bumped, number> {
      override get aggregateType(): string {
        return 'Counter';
      }
      protected override initialState(): number {
        return 0;
      }
      protected override evolve(state: number, event: Bumped): number {
        return state + event.data.by;
      }
    }
    const counter = new Counter('c');
    counter.raise({ type: 'Bumped', data: { by: 2 } });
    counter.raise({ type: 'Bumped', data: { by: 3 } });
    expect([counter.state, counter.version, counter.streamId]).toEqual([5, 2, 'Counter-c']);
  });
});

describe('evolveWith', () => {
  it('dispatches by event type, with own handlers only', () => {
    const evolve = evolveWith(accountHandlers, { aggregateType: 'Account' });
    const state = evolve(
      evolve(initialAccount, AccountOpened({ owner: 'Ada' })),
      MoneyDeposited({ amount: 2 }),
    );
    expect(state.balance).toBe(2);
    expect(() =>
      evolve(state, { type: 'constructor', data: {} } as unknown as AccountEvent),
    ).toThrow(UnhandledEventError);
  });

  it('ignores unhandled event types when told to', () => {
    const partial: EventHandlers<AccountEvent, AccountState> = accountHandlers;
    const evolve = evolveWith(partial, { ignoreUnhandledEvents: true });
    const other = { type: 'Audited', data: {} } as unknown as AccountEvent;
    expect(evolve(initialAccount, other)).toBe(initialAccount);
  });
});

describe('DeciderAggregate and fromDecider', () => {
  it('execute decides on the current state and raises the events (one or many)', () => {
    const account = new DeciderAggregate('1', 'Account', accountDecider);
    expect(account.execute({ type: 'Open', owner: 'Ada' })).toEqual([
      AccountOpened({ owner: 'Ada' }),
    ]);
    account.execute({ type: 'Deposit', amount: 8 });
    expect(account.state.balance).toBe(8);
    expect(account.uncommittedEvents.map((e) => e.type)).toEqual([
      'AccountOpened',
      'MoneyDeposited',
    ]);
    expect(() => account.execute({ type: 'Withdraw', amount: 9 })).toThrow(AccountError);
    expect(account.version).toBe(2);
    expect(account.decider).toBe(accountDecider);
  });

  it('fromDecider gives an aggregate kind with a type and a schema version', () => {
    const kind = fromDecider('Account', accountDecider, { schemaVersion: 3 });
    const account = kind.create('9');
    expect([kind.type, kind.schemaVersion, account.schemaVersion, account.streamId]).toEqual([
      'Account',
      3,
      3,
      'Account-9',
    ]);
    expect(() => fromDecider('Acc-ount', accountDecider)).toThrow(ValidationError);
    expect(
      () => new DeciderAggregate('1', 'Account', accountDecider, { schemaVersion: -1 }),
    ).toThrow(ValidationError);
  });

  it('never mutates the initial state', () => {
    const frozen = Object.freeze({ ...initialAccount });
    const account = new DeciderAggregate('1', 'Account', {
      ...accountDecider,
      initialState: frozen,
    });
    account.execute({ type: 'Open', owner: 'Ada' });
    expect(frozen).toEqual(initialAccount);
  });
});

describe('event context', () => {
  it('withEventContext merges metadata without changing the events, and checks the ids', () => {
    const events = [AccountOpened({ owner: 'Ada' }, { metadata: { own: 1 } })];
    const stamped = withEventContext(events, {
      correlationId: 'c',
      causationId: 'k',
      metadata: { x: 2 },
    });
    expect(stamped[0]?.metadata).toEqual({ x: 2, own: 1, correlationId: 'c', causationId: 'k' });
    expect(events[0]?.metadata).toEqual({ own: 1 });
    expect(withEventContext(events, {})).toBe(events);
    expect(() => withEventContext(events, { correlationId: '' })).toThrow(ValidationError);
    expect(() => withEventContext(events, { causationId: 5 as unknown as string })).toThrow(
      ValidationError,
    );
    expect(() =>
      withEventContext(events, { metadata: [] as unknown as Record<string, unknown> }),
    ).toThrow(ValidationError);
  });
});
