/**
 * Aggregates in both styles on one store: a bank account as a class
 * (`store.save(account)` / `store.load(BankAccount, id)`), the same account as
 * a decider, a command handler with correlation ids, retries under contention
 * and cancellation, and snapshots.
 *
 * Run: `npx tsx examples/aggregates.ts [store-url]` (default `memory:`).
 */
import { pathToFileURL } from 'node:url';
import {
  Aggregate,
  AggregateRepository,
  AggregateStore,
  CommandHandler,
  evolveWith,
  fromDecider,
  InMemorySnapshotStore,
  type Decider,
  type EventHandlers,
} from '../src/aggregates/index.js';
import { createEventStore, defineEvent, payload, type EventOf } from '../src/index.js';

// Events
const AccountOpened = defineEvent('AccountOpened', payload<{ owner: string }>());
const MoneyDeposited = defineEvent('MoneyDeposited', payload<{ amount: number }>());
const MoneyWithdrawn = defineEvent('MoneyWithdrawn', payload<{ amount: number }>());
type AccountEvent =
  EventOf<typeof AccountOpened> | EventOf<typeof MoneyDeposited> | EventOf<typeof MoneyWithdrawn>;

// State, and one handler per event type (shared by both styles)
interface AccountState {
  readonly open: boolean;
  readonly owner: string;
  readonly balance: number;
}
const initialState: AccountState = { open: false, owner: '', balance: 0 };
const handlers: EventHandlers<AccountEvent, AccountState> = {
  AccountOpened: (state, event) => ({ ...state, open: true, owner: event.data.owner }),
  MoneyDeposited: (state, event) => ({ ...state, balance: state.balance + event.data.amount }),
  MoneyWithdrawn: (state, event) => ({ ...state, balance: state.balance - event.data.amount }),
};

class InsufficientFunds extends Error {
  override readonly name = 'InsufficientFunds';
}

// 1. The class style: command methods check invariants and raise events.
class BankAccount extends Aggregate<AccountEvent, AccountState> {
  static readonly type = 'BankAccount';
  protected override readonly handlers = handlers;
  protected override initialState(): AccountState {
    return initialState;
  }
  get balance(): number {
    return this.state.balance;
  }
  open(owner: string): void {
    if (this.state.open) throw new Error('already open');
    this.raise(AccountOpened({ owner }));
  }
  deposit(amount: number): void {
    if (!this.state.open) throw new Error('not open');
    this.raise(MoneyDeposited({ amount }));
  }
  withdraw(amount: number): void {
    if (amount > this.state.balance) throw new InsufficientFunds(`balance is ${this.balance}`);
    this.raise(MoneyWithdrawn({ amount }));
  }
}

// 2. The decider style: the same rules as pure functions.
type AccountCommand =
  | { type: 'Open'; owner: string }
  | { type: 'Deposit'; amount: number }
  | { type: 'Withdraw'; amount: number };
const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = {
  initialState,
  evolve: evolveWith(handlers, { aggregateType: 'Account' }),
  decide: (command, state) => {
    switch (command.type) {
      case 'Open':
        return state.open ? [] : [AccountOpened({ owner: command.owner })];
      case 'Deposit':
        return [MoneyDeposited({ amount: command.amount })];
      case 'Withdraw':
        if (command.amount > state.balance)
          throw new InsufficientFunds(`balance is ${state.balance}`);
        return [MoneyWithdrawn({ amount: command.amount })];
    }
  },
};
const Account = fromDecider('Account', accountDecider);

/** Runs the example against the store at `url`, printing through `print`. */
export async function main(
  url = 'memory:',
  print: (line: string) => void = console.log,
): Promise<void> {
  const store = await createEventStore(url);
  try {
    const run = crypto.randomUUID().slice(0, 8);

    print('=== Class style: store.save(aggregate) / store.load(Class, id) ===');
    const aggregates = new AggregateStore(store);
    const account = new BankAccount(`user-${run}`);
    account.open('John');
    account.deposit(100);
    await aggregates.save(account);
    const loaded = await aggregates.load(BankAccount, `user-${run}`);
    print(`Loaded ${loaded?.streamId}: owner ${loaded?.state.owner}, balance ${loaded?.balance}`);
    print(`Aggregate version: ${await aggregates.getAggregateVersion(BankAccount, `user-${run}`)}`);
    const missing = await aggregates.load(BankAccount, 'nobody');
    print(`Missing account: ${missing === undefined ? 'undefined' : missing.streamId}`);

    print('\n=== Command handler with snapshots every 5 events ===');
    const snapshots = new InMemorySnapshotStore();
    const accounts = new AggregateRepository(store, BankAccount, {
      snapshots: { store: snapshots, policy: 5 },
    });
    const handler = new CommandHandler(accounts, (acc: BankAccount, command: AccountCommand) => {
      if (command.type === 'Open') acc.open(command.owner);
      else if (command.type === 'Deposit') acc.deposit(command.amount);
      else acc.withdraw(command.amount);
    });
    const id = `savings-${run}`;
    await handler.handle(id, { type: 'Open', owner: 'Ada' }, { correlationId: `request-${run}` });
    for (let i = 1; i <= 11; i++) await handler.handle(id, { type: 'Deposit', amount: 10 });
    const result = await handler.handle(id, { type: 'Withdraw', amount: 30 });
    print(`Balance ${result.state.balance} at version ${result.version}`);
    const snapshot = await snapshots.load(accounts.streamIdOf(id));
    print(`Latest snapshot: version ${snapshot?.version}, schema ${snapshot?.schemaVersion}`);
    const [first] = (await store.read(accounts.streamIdOf(id), { limit: 1 })).events;
    print(`First event metadata: correlationId=${String(first?.metadata.correlationId)}`);
    try {
      await handler.handle(id, { type: 'Withdraw', amount: 1_000 });
    } catch (error) {
      if (!(error instanceof InsufficientFunds)) throw error;
      print(`Rejected: ${error.name} (${error.message})`);
    }

    print('\n=== Decider style: 5 concurrent deposits, retried on conflict ===');
    let retries = 0;
    const deciderHandler = CommandHandler.forDecider(new AggregateRepository(store, Account), {
      retry: { maxRetries: 10, initialDelayMs: 1 },
      onRetry: () => {
        retries += 1;
      },
    });
    const joint = `joint-${run}`;
    await deciderHandler.handle(joint, { type: 'Open', owner: 'Ada & Bob' });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => deciderHandler.handle(joint, { type: 'Deposit', amount: n })),
    );
    const last = results.reduce((a, b) => (a.version > b.version ? a : b));
    print(`All 5 landed: balance ${last.state.balance} at version ${last.version}`);
    print(`Conflicts retried: ${retries > 0 ? 'yes' : 'none needed'}`);

    print('\n=== Cancelling a command: a deadline, and a signal ===');
    const onTime = await deciderHandler.handle(
      joint,
      { type: 'Deposit', amount: 1 },
      { timeoutMs: 5_000 },
    );
    print(`Within its 5 s deadline: balance ${onTime.state.balance}`);
    const controller = new AbortController();
    controller.abort(new Error('the client went away'));
    try {
      await deciderHandler.handle(
        joint,
        { type: 'Deposit', amount: 1_000 },
        { signal: controller.signal },
      );
    } catch (error) {
      if (error !== controller.signal.reason) throw error;
      print(`Cancelled before it started: ${(error as Error).message}`);
    }
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
