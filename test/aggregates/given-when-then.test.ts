import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { aggregateSpec, deciderSpec } from '../../src/testing/index.js';
import {
  AccountClosed,
  AccountError,
  AccountOpened,
  BankAccount,
  InsufficientFunds,
  MoneyDeposited,
  MoneyWithdrawn,
  accountDecider,
  decideAccount,
} from './domain.js';

const opened = AccountOpened({ owner: 'Ada' });
const deposited = MoneyDeposited({ amount: 10 });

/** The AssertionError a failing expectation throws (sync or async). */
async function failureOf(check: () => unknown): Promise<AssertionError> {
  try {
    await check();
  } catch (error) {
    if (error instanceof AssertionError) return error;
    throw error;
  }
  throw new Error('expected the expectation to fail');
}

describe('deciderSpec: given / when / then for deciders', () => {
  const spec = deciderSpec(accountDecider);

  it('then(events) passes when the command produces exactly those events', () => {
    spec
      .given([opened, deposited])
      .when({ type: 'Withdraw', amount: 4 })
      .then([MoneyWithdrawn({ amount: 4 })]);
    spec.given([]).when({ type: 'Open', owner: 'Ada' }).then(opened);
    spec.when({ type: 'Open', owner: 'Ada' }).then([opened]);
  });

  it('then(events) ignores event ids and metadata', () => {
    spec
      .given([opened])
      .when({ type: 'Deposit', amount: 10 })
      .then([MoneyDeposited({ amount: 10 }, { id: crypto.randomUUID(), metadata: { x: 1 } })]);
  });

  it('a failing then(events) names the command, the expected and the actual events', async () => {
    const failure = await failureOf(() =>
      spec
        .given([opened])
        .when({ type: 'Deposit', amount: 10 })
        .then([MoneyDeposited({ amount: 11 })]),
    );
    expect(failure.message).toContain(
      [
        'given/when/then: the command did not produce the expected events',
        "  when:     { type: 'Deposit', amount: 10 }",
        '  expected: [MoneyDeposited { amount: 11 }]',
        '  actual:   [MoneyDeposited { amount: 10 }]',
      ].join('\n'),
    );
    expect(failure.expected).toEqual([{ type: 'MoneyDeposited', data: { amount: 11 } }]);
    expect(failure.actual).toEqual([{ type: 'MoneyDeposited', data: { amount: 10 } }]);
  });

  it('then(events) fails readably when the command throws instead', async () => {
    const failure = await failureOf(() =>
      spec
        .given([opened])
        .when({ type: 'Withdraw', amount: 1 })
        .then([MoneyWithdrawn({ amount: 1 })]),
    );
    expect(failure.message).toContain('the command threw instead of producing 1 event(s)');
    expect(failure.message).toContain('actual:   threw AccountError: Balance 0');
  });

  it('thenThrows(ErrorClass) returns the error; a predicate works too', () => {
    const error = spec
      .given([opened])
      .when({ type: 'Withdraw', amount: 1 })
      .thenThrows(InsufficientFunds);
    expect(error.message).toBe('Balance 0');
    spec.given([opened]).when({ type: 'Withdraw', amount: 1 }).thenThrows(AccountError);
    spec
      .given([])
      .when({ type: 'Deposit', amount: 1 })
      .thenThrows((e) => e instanceof AccountError && e.message === 'The account is new');
  });

  it('thenThrows fails readably when nothing is thrown, or another error is', async () => {
    const none = await failureOf(() =>
      spec.given([opened]).when({ type: 'Deposit', amount: 1 }).thenThrows(InsufficientFunds),
    );
    expect(none.message).toContain('given/when/then: the command did not throw');
    expect(none.message).toContain('expected: throws InsufficientFunds');
    expect(none.message).toContain('actual:   [MoneyDeposited { amount: 1 }]');
    const other = await failureOf(() =>
      spec.given([]).when({ type: 'Deposit', amount: 1 }).thenThrows(InsufficientFunds),
    );
    expect(other.message).toContain('the command threw another error');
    expect(other.message).toContain('actual:   threw AccountError: The account is new');
    const predicate = await failureOf(() =>
      spec
        .given([])
        .when({ type: 'Deposit', amount: 1 })
        .thenThrows(() => false),
    );
    expect(predicate.message).toContain('expected: throws an error matching () => false');
  });

  it('thenNothing passes for an accepted command without events, and fails readably otherwise', async () => {
    spec.given([opened, AccountClosed()]).when({ type: 'Close' }).thenNothing();
    const produced = await failureOf(() =>
      spec.given([opened]).when({ type: 'Close' }).thenNothing(),
    );
    expect(produced.message).toContain('the command produced events');
    expect(produced.message).toContain('actual:   [AccountClosed {}]');
    const threw = await failureOf(() => spec.given([]).when({ type: 'Close' }).thenNothing());
    expect(threw.message).toContain('given/when/then: the command threw');
  });

  it('thenState checks the state after the produced events', async () => {
    spec
      .given([opened, deposited])
      .when({ type: 'Deposit', amount: 5 })
      .thenState({ status: 'open', owner: 'Ada', balance: 15, transactions: 2 });
    const failure = await failureOf(() =>
      spec.given([opened]).when({ type: 'Deposit', amount: 5 }).thenState({
        status: 'open',
        owner: 'Ada',
        balance: 6,
        transactions: 1,
      }),
    );
    expect(failure.message).toContain('the state after the command is not the expected one');
    expect(failure.message).toContain('balance: 6');
    expect(failure.message).toContain('balance: 5');
  });
});

describe('aggregateSpec: given / when / then for aggregate classes', () => {
  it('with a function of the aggregate as the command', async () => {
    await aggregateSpec(BankAccount)
      .given([opened])
      .when((account) => account.deposit(3))
      .then([MoneyDeposited({ amount: 3 })]);
    await aggregateSpec(BankAccount)
      .when((account) => account.open('Ada'))
      .then(opened);
    await aggregateSpec(BankAccount)
      .given([opened, deposited])
      .when((account) => account.withdraw(10))
      .thenState({ status: 'open', owner: 'Ada', balance: 0, transactions: 2 });
    const error = await aggregateSpec(BankAccount)
      .given([opened])
      .when((account) => account.withdraw(1))
      .thenThrows(InsufficientFunds);
    expect(error).toBeInstanceOf(InsufficientFunds);
    await aggregateSpec(BankAccount)
      .given([opened])
      .when(async (account) => {
        await Promise.resolve();
        if (account.balance > 0) account.withdraw(1);
      })
      .thenNothing();
  });

  it('with command objects and the decide function a command handler uses', async () => {
    const spec = aggregateSpec(BankAccount, decideAccount);
    await spec
      .given([opened])
      .when({ type: 'Deposit', amount: 2 })
      .then([MoneyDeposited({ amount: 2 })]);
    await spec.given([opened, AccountClosed()]).when({ type: 'Close' }).thenNothing();
    await spec.given([]).when({ type: 'Close' }).thenThrows(AccountError);
  });

  it('recognises eventfold errors through their `is` guard', async () => {
    await aggregateSpec(BankAccount)
      .given([])
      .when(() => {
        throw new ValidationError('bad');
      })
      .thenThrows(ValidationError);
  });

  it('a failing expectation is a readable AssertionError', async () => {
    const failure = await failureOf(() =>
      aggregateSpec(BankAccount, decideAccount)
        .given([opened])
        .when({ type: 'Deposit', amount: 2 })
        .then([MoneyDeposited({ amount: 2 }), MoneyDeposited({ amount: 2 })]),
    );
    expect(failure.message).toContain(
      [
        'given/when/then: the command did not produce the expected events',
        "  when:     { type: 'Deposit', amount: 2 }",
        '  expected: [MoneyDeposited { amount: 2 }, MoneyDeposited { amount: 2 }]',
        '  actual:   [MoneyDeposited { amount: 2 }]',
      ].join('\n'),
    );
    const action = await failureOf(() =>
      aggregateSpec(BankAccount)
        .given([opened])
        .when((account) => account.deposit(1))
        .thenNothing(),
    );
    expect(action.message).toContain('when:     (account) => account.deposit(1)');
  });

  it('given events that cannot be applied fail the scenario with a clear error', async () => {
    const bad = { type: 'Unknown', data: {} } as unknown as typeof opened;
    await expect(
      aggregateSpec(BankAccount)
        .given([bad])
        .when(() => undefined)
        .thenNothing(),
    ).rejects.toThrow(
      /given\/when\/then: the given events cannot be applied: BankAccount has no handler/,
    );
    expect(() =>
      deciderSpec(accountDecider).given([bad]).when({ type: 'Close' }).thenNothing(),
    ).toThrow(/evolve failed on a given event Unknown/);
  });
});
