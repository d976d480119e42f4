/**
 * What every aggregate case file shares: the two styles of the test account
 * (class and decider), a way to run commands on either, and the store runner.
 */
import type {
  AggregateKind,
  AggregateRoot,
  Decide,
  DeciderAggregate,
} from '../../../src/aggregates/index.js';
import type { EventStore } from '../../../src/index.js';
import {
  Account,
  BankAccount,
  decideAccount,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '../domain.js';

/** Runs `body` on a new, empty store and closes the store afterwards. */
export type WithStore = (body: (store: EventStore) => Promise<void>) => Promise<void>;

/** One way to write the account aggregate. */
export interface Style<A extends AggregateRoot<AccountEvent, AccountState>> {
  readonly name: string;
  readonly kind: AggregateKind<A>;
  readonly type: string;
  readonly decide: Decide<A, AccountCommand>;
}

/** The account as a decider aggregate. */
export type AccountAggregate = DeciderAggregate<AccountCommand, AccountEvent, AccountState>;

/** The account as an aggregate class. */
export const classStyle: Style<BankAccount> = {
  name: 'class style (BankAccount)',
  kind: BankAccount,
  type: 'BankAccount',
  decide: decideAccount,
};

/** The account as a decider. */
export const deciderStyle: Style<AccountAggregate> = {
  name: 'decider style (fromDecider)',
  kind: Account,
  type: 'Account',
  decide: (account, command) => void account.execute(command),
};

/** Runs `commands` on `aggregate` the way `style` decides them. */
export function run<A extends AggregateRoot<AccountEvent, AccountState>>(
  style: Style<A>,
  aggregate: A,
  ...commands: AccountCommand[]
): void {
  for (const command of commands)
    void style.decide(aggregate, command, {
      commandId: 'c',
      correlationId: 'c',
      causationId: 'c',
    });
}
