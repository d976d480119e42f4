/**
 * The test domain: a bank account, as an aggregate class and as a decider,
 * with the same events and state.
 */
import {
  Aggregate,
  evolveWith,
  fromDecider,
  type Decider,
  type EventHandlers,
} from '../../src/aggregates/index.js';
import { defineEvent, payload, type EventOf } from '../../src/index.js';

export const AccountOpened = defineEvent('AccountOpened', payload<{ owner: string }>());
export const MoneyDeposited = defineEvent('MoneyDeposited', payload<{ amount: number }>());
export const MoneyWithdrawn = defineEvent('MoneyWithdrawn', payload<{ amount: number }>());
export const AccountClosed = defineEvent('AccountClosed');

export type AccountEvent =
  | EventOf<typeof AccountOpened>
  | EventOf<typeof MoneyDeposited>
  | EventOf<typeof MoneyWithdrawn>
  | EventOf<typeof AccountClosed>;

export interface AccountState {
  readonly status: 'new' | 'open' | 'closed';
  readonly owner: string;
  readonly balance: number;
  readonly transactions: number;
}

export type AccountCommand =
  | { readonly type: 'Open'; readonly owner: string; readonly id?: string }
  | { readonly type: 'Deposit'; readonly amount: number; readonly id?: string }
  | { readonly type: 'Withdraw'; readonly amount: number; readonly id?: string }
  | { readonly type: 'Close'; readonly id?: string };

/** A command the account's state does not allow. */
export class AccountError extends Error {
  override readonly name = 'AccountError';
}

/** A withdrawal larger than the balance. */
export class InsufficientFunds extends AccountError {}

export const initialAccount: AccountState = {
  status: 'new',
  owner: '',
  balance: 0,
  transactions: 0,
};

export const accountHandlers: EventHandlers<AccountEvent, AccountState> = {
  AccountOpened: (state, event) => ({ ...state, status: 'open', owner: event.data.owner }),
  MoneyDeposited: (state, event) => ({
    ...state,
    balance: state.balance + event.data.amount,
    transactions: state.transactions + 1,
  }),
  MoneyWithdrawn: (state, event) => ({
    ...state,
    balance: state.balance - event.data.amount,
    transactions: state.transactions + 1,
  }),
  AccountClosed: (state) => ({ ...state, status: 'closed' }),
};

/** The class style. */
export class BankAccount extends Aggregate<AccountEvent, AccountState> {
  static readonly type = 'BankAccount';

  protected override readonly handlers = accountHandlers;

  protected override initialState(): AccountState {
    return initialAccount;
  }

  get balance(): number {
    return this.state.balance;
  }

  open(owner: string): void {
    if (this.state.status !== 'new') throw new AccountError('The account is already open');
    this.raise(AccountOpened({ owner }));
  }

  deposit(amount: number): void {
    this.#mustBeOpen();
    if (amount <= 0) throw new AccountError('A deposit must be positive');
    this.raise(MoneyDeposited({ amount }));
  }

  withdraw(amount: number): void {
    this.#mustBeOpen();
    if (amount > this.state.balance) throw new InsufficientFunds(`Balance ${this.state.balance}`);
    this.raise(MoneyWithdrawn({ amount }));
  }

  close(): void {
    this.#mustBeOpen();
    this.raise(AccountClosed());
  }

  #mustBeOpen(): void {
    if (this.state.status !== 'open') throw new AccountError(`The account is ${this.state.status}`);
  }
}

/** Routes account commands to the class's methods (the `decide` of a command handler). */
export function decideAccount(account: BankAccount, command: AccountCommand): void {
  switch (command.type) {
    case 'Open':
      account.open(command.owner);
      break;
    case 'Deposit':
      account.deposit(command.amount);
      break;
    case 'Withdraw':
      account.withdraw(command.amount);
      break;
    case 'Close':
      if (account.state.status !== 'closed') account.close();
      break;
  }
}

/** The decider style: the same rules as pure functions. */
export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState: initialAccount,
  evolve: evolveWith(accountHandlers, { aggregateType: 'Account' }),
  decide(command, state) {
    if (command.type === 'Open') {
      if (state.status !== 'new') throw new AccountError('The account is already open');
      return AccountOpened({ owner: command.owner });
    }
    if (state.status === 'closed' && command.type === 'Close') return [];
    if (state.status !== 'open') throw new AccountError(`The account is ${state.status}`);
    switch (command.type) {
      case 'Deposit':
        if (command.amount <= 0) throw new AccountError('A deposit must be positive');
        return [MoneyDeposited({ amount: command.amount })];
      case 'Withdraw':
        if (command.amount > state.balance) throw new InsufficientFunds(`Balance ${state.balance}`);
        return [MoneyWithdrawn({ amount: command.amount })];
      case 'Close':
        return [AccountClosed()];
    }
  },
};

/** The decider as an aggregate kind. */
export const Account = fromDecider('Account', accountDecider);
