/**
 * The aggregate cases as a function of a store factory, so every backend runs
 * them: repositories in both styles, the AggregateStore sugar, the command
 * handler (with real contention), metadata and snapshots.
 */
import { describe, expect, it } from 'vitest';
import type { DeciderAggregate } from '../../src/index.js';
import {
  AggregateNotFoundError,
  AggregateRepository,
  AggregateStore,
  ConcurrencyError,
  CommandHandler,
  InMemorySnapshotStore,
  UnhandledEventError,
  ValidationError,
  causedBy,
  fromDecider,
  loadAggregate,
  saveAggregate,
  type AggregateKind,
  type AggregateRoot,
  type Decide,
  type EventStore,
  type NewSnapshot,
  type SnapshotPolicyContext,
  type SnapshotStore,
} from '../../src/index.js';
import {
  Account,
  AccountError,
  BankAccount,
  InsufficientFunds,
  accountDecider,
  decideAccount,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from './domain.js';
import { InstrumentedStore, rejectionOf } from './instrumented-store.js';

/** How the suite reaches the backend under test. */
export interface AggregateSuiteOptions {
  /** A new, empty event store on every call. */
  createStore: () => Promise<EventStore>;
  /** A new, empty snapshot store for `eventStore` (default an `InMemorySnapshotStore`). */
  createSnapshotStore?: (eventStore: EventStore) => Promise<SnapshotStore>;
}

interface Style<A extends AggregateRoot<AccountEvent, AccountState>> {
  readonly name: string;
  readonly kind: AggregateKind<A>;
  readonly type: string;
  readonly decide: Decide<A, AccountCommand>;
}

type AccountAggregate = DeciderAggregate<AccountCommand, AccountEvent, AccountState>;

const classStyle: Style<BankAccount> = {
  name: 'class style (BankAccount)',
  kind: BankAccount,
  type: 'BankAccount',
  decide: decideAccount,
};

const deciderStyle: Style<AccountAggregate> = {
  name: 'decider style (fromDecider)',
  kind: Account,
  type: 'Account',
  decide: (account, command) => void account.execute(command),
};

/** Registers every aggregate case for the backend `name`. */
export function aggregateSuite(name: string, options: AggregateSuiteOptions): void {
  const withStore = async (body: (store: EventStore) => Promise<void>): Promise<void> => {
    const store = await options.createStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };
  const snapshotStoreFor = (store: EventStore): Promise<SnapshotStore> =>
    options.createSnapshotStore?.(store) ?? Promise.resolve(new InMemorySnapshotStore());

  describe(`aggregates: ${name}`, () => {
    repositoryCases(classStyle, withStore);
    repositoryCases(deciderStyle, withStore);
    sugarCases(withStore);
    commandHandlerCases(classStyle, withStore);
    commandHandlerCases(deciderStyle, withStore);
    contentionCases(withStore);
    metadataCases(withStore);
    snapshotCases(withStore, snapshotStoreFor);
  });
}

type WithStore = (body: (store: EventStore) => Promise<void>) => Promise<void>;

function run<A extends AggregateRoot<AccountEvent, AccountState>>(
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

function repositoryCases<A extends AggregateRoot<AccountEvent, AccountState>>(
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

function sugarCases(withStore: WithStore): void {
  describe('AggregateStore, saveAggregate and loadAggregate (the source documents’ store.save / store.load)', () => {
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

function commandHandlerCases<A extends AggregateRoot<AccountEvent, AccountState>>(
  style: Style<A>,
  withStore: WithStore,
): void {
  describe(`command handler, ${style.name}`, () => {
    it('loads (or creates), decides, appends; returns state, new events and version', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          style.decide,
        );
        const opened = await handler.handle('h1', { type: 'Open', owner: 'Ada' });
        expect(opened.version).toBe(1);
        expect(opened.attempts).toBe(1);
        expect(opened.newEvents.map((e) => e.type)).toEqual(['AccountOpened']);
        const deposited = await handler.handle('h1', { type: 'Deposit', amount: 40 });
        expect(deposited.state).toEqual({
          status: 'open',
          owner: 'Ada',
          balance: 40,
          transactions: 1,
        });
        expect(deposited.version).toBe(2);
        expect(deposited.newEvents.map((e) => [e.type, e.data])).toEqual([
          ['MoneyDeposited', { amount: 40 }],
        ]);
        expect(deposited.position).toBeDefined();
        expect(await store.getVersion(`${style.type}-h1`)).toBe(2);
      }));

    it('a rejected command throws the domain error and appends nothing', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          style.decide,
        );
        await handler.handle('h2', { type: 'Open', owner: 'Ada' });
        const error = await rejectionOf(handler.handle('h2', { type: 'Withdraw', amount: 1 }));
        expect(error).toBeInstanceOf(InsufficientFunds);
        expect(await store.getVersion(`${style.type}-h2`)).toBe(1);
        expect(
          await rejectionOf(handler.handle('h3', { type: 'Deposit', amount: 1 })),
        ).toBeInstanceOf(AccountError);
        expect(await store.exists(`${style.type}-h3`)).toBe(false);
      }));

    it('a command that changes nothing appends nothing and returns the current version', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          style.decide,
        );
        await handler.handle('h4', { type: 'Open', owner: 'Ada' });
        await handler.handle('h4', { type: 'Close' });
        const again = await handler.handle('h4', { type: 'Close' });
        expect(again.newEvents).toEqual([]);
        expect(again.version).toBe(2);
        expect(again.position).toBeUndefined();
        expect(await store.getVersion(`${style.type}-h4`)).toBe(2);
      }));
  });
}

function contentionCases(withStore: WithStore): void {
  describe('command handler under contention', () => {
    const writers = 8;

    it(`${writers} concurrent handlers on one aggregate all succeed thanks to bounded retries (class style)`, () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, BankAccount);
        await new CommandHandler(repository, decideAccount).handle('c1', {
          type: 'Open',
          owner: 'Ada',
        });
        // Every handler's first attempt waits until all have loaded version 1: a real race.
        let loaded = 0;
        let release: () => void = () => undefined;
        const allLoaded = new Promise<void>((resolve) => (release = resolve));
        let retries = 0;
        const handler = new CommandHandler(
          repository,
          async (account: BankAccount, command: AccountCommand) => {
            if (account.version === 1 && loaded < writers) {
              loaded += 1;
              if (loaded === writers) release();
              await allLoaded;
            }
            decideAccount(account, command);
          },
          {
            retry: { maxRetries: writers * 2, initialDelayMs: 1, maxDelayMs: 20 },
            onRetry: () => {
              retries += 1;
            },
          },
        );
        const results = await Promise.all(
          Array.from({ length: writers }, (_, i) =>
            handler.handle('c1', { type: 'Deposit', amount: i + 1 }),
          ),
        );
        expect(retries).toBeGreaterThanOrEqual(writers - 1);
        expect(results.reduce((sum, r) => sum + r.attempts, 0)).toBe(writers + retries);
        expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
          Array.from({ length: writers }, (_, i) => i + 2),
        );
        const account = await repository.get('c1');
        expect(account.version).toBe(writers + 1);
        expect(account.balance).toBe((writers * (writers + 1)) / 2);
      }));

    it(`${writers} concurrent decider handlers, racing without coordination, all land`, () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, Account);
        const handler = CommandHandler.forDecider(repository, {
          retry: { maxRetries: 50, initialDelayMs: 1, maxDelayMs: 10 },
        });
        await handler.handle('c2', { type: 'Open', owner: 'Ada' });
        await Promise.all(
          Array.from({ length: writers }, () =>
            handler.handle('c2', { type: 'Deposit', amount: 10 }),
          ),
        );
        const account = await repository.get('c2');
        expect(account.state.balance).toBe(writers * 10);
        expect(account.version).toBe(writers + 1);
      }));

    it('with retries exhausted the handler rethrows the ConcurrencyError', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const repository = new AggregateRepository(instrumented, BankAccount);
        const handler = new CommandHandler(repository, decideAccount, {
          retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 4 },
          onRetry: (info) => retries.push(info.retry),
        });
        const retries: number[] = [];
        await handler.handle('c3', { type: 'Open', owner: 'Ada' });
        // A competitor appends before each of the handler's appends: every attempt conflicts.
        instrumented.beforeAppend = async (streamId) => {
          await store.append(streamId, [{ type: 'MoneyDeposited', data: { amount: 1 } }]);
        };
        const error = await rejectionOf(handler.handle('c3', { type: 'Deposit', amount: 100 }));
        expect(ConcurrencyError.is(error)).toBe(true);
        expect(retries).toEqual([1, 2, 3]);
        instrumented.beforeAppend = undefined;
        const account = await repository.get('c3');
        expect(account.balance).toBe(4); // the competitor's four deposits, none of the handler's
      }));

    it('maxRetries 0 never retries', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const repository = new AggregateRepository(instrumented, Account);
        const handler = CommandHandler.forDecider(repository, { retry: { maxRetries: 0 } });
        await handler.handle('c4', { type: 'Open', owner: 'Ada' });
        instrumented.beforeAppend = async (streamId) => {
          await store.append(streamId, [{ type: 'MoneyDeposited', data: { amount: 1 } }]);
        };
        const appendsBefore = instrumented.appends;
        expect(
          ConcurrencyError.is(
            await rejectionOf(handler.handle('c4', { type: 'Deposit', amount: 5 })),
          ),
        ).toBe(true);
        expect(instrumented.appends - appendsBefore).toBe(1);
      }));
  });
}

function metadataCases(withStore: WithStore): void {
  describe('correlation and causation metadata', () => {
    it('every event of a command carries the context’s correlation id, the command id as causation id, and custom keys', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, BankAccount),
          decideAccount,
        );
        await handler.handle(
          'm1',
          { type: 'Open', owner: 'Ada', id: 'cmd-1' },
          {
            correlationId: 'request-7',
            metadata: { userId: 'u-1' },
          },
        );
        const { events } = await store.read('BankAccount-m1');
        expect(events[0]?.metadata).toEqual({
          correlationId: 'request-7',
          causationId: 'cmd-1',
          userId: 'u-1',
        });
      }));

    it('without a context, the generated command id is both the causation and the correlation id', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, Account);
        const handler = CommandHandler.forDecider(repository);
        await handler.handle('m2', { type: 'Open', owner: 'Ada' });
        const open = (await store.read('Account-m2')).events[0];
        expect(typeof open?.metadata.causationId).toBe('string');
        expect(open?.metadata.correlationId).toBe(open?.metadata.causationId);
        // A command with two events: both share the ids.
        const twice = fromDecider('Account', {
          ...accountDecider,
          decide: (command: AccountCommand, state: AccountState) =>
            command.type === 'Deposit'
              ? [
                  ...(accountDecider.decide(command, state) as AccountEvent[]),
                  ...(accountDecider.decide(command, state) as AccountEvent[]),
                ]
              : accountDecider.decide(command, state),
        });
        await CommandHandler.forDecider(new AggregateRepository(store, twice)).handle(
          'm2',
          { type: 'Deposit', amount: 1 },
          { commandId: 'cmd-2' },
        );
        const deposits = (await store.read('Account-m2', { from: 2 })).events;
        expect(deposits.map((e) => [e.metadata.correlationId, e.metadata.causationId])).toEqual([
          ['cmd-2', 'cmd-2'],
          ['cmd-2', 'cmd-2'],
        ]);
      }));

    it('causedBy(event) continues the correlation and makes the event the cause', () =>
      withStore(async (store) => {
        const handler = CommandHandler.forDecider(new AggregateRepository(store, Account));
        await handler.handle('m3', { type: 'Open', owner: 'Ada' }, { correlationId: 'root-1' });
        const [opened] = (await store.read('Account-m3')).events;
        if (opened === undefined) throw new Error('no event');
        await handler.handle('m4', { type: 'Open', owner: 'Ada' }, causedBy(opened));
        const [reaction] = (await store.read('Account-m4')).events;
        expect(reaction?.metadata).toEqual({ correlationId: 'root-1', causationId: opened.id });
        // An event without a correlation id starts a chain rooted at itself.
        await store.append('Other-1', [{ type: 'Happened', data: {} }]);
        const [bare] = (await store.read('Other-1')).events;
        if (bare === undefined) throw new Error('no event');
        expect(causedBy(bare)).toEqual({ correlationId: bare.id, causationId: bare.id });
      }));

    it('a causation id without a correlation id makes the causation id the correlation root', () =>
      withStore(async (store) => {
        const handler = CommandHandler.forDecider(new AggregateRepository(store, Account));
        await handler.handle('m5', { type: 'Open', owner: 'Ada' }, { causationId: 'evt-9' });
        const [event] = (await store.read('Account-m5')).events;
        expect(event?.metadata).toMatchObject({ correlationId: 'evt-9', causationId: 'evt-9' });
      }));

    it('repository.save(aggregate, context) stamps the context and keeps the events’ own metadata', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, BankAccount);
        const account = repository.create('m6');
        account.raise({
          type: 'AccountOpened',
          data: { owner: 'Ada' },
          metadata: { source: 'import' },
        });
        await repository.save(account, {
          correlationId: 'batch-1',
          metadata: { source: 'overridden?', tenant: 't1' },
        });
        const [event] = (await store.read('BankAccount-m6')).events;
        expect(event?.metadata).toEqual({
          correlationId: 'batch-1',
          source: 'import',
          tenant: 't1',
        });
        expect(account.uncommittedEvents).toEqual([]);
      }));
  });
}

function snapshotCases(
  withStore: WithStore,
  snapshotStoreFor: (store: EventStore) => Promise<SnapshotStore>,
): void {
  describe('snapshots', () => {
    const withBoth = (
      body: (store: InstrumentedStore, snapshots: SnapshotStore) => Promise<void>,
    ): Promise<void> =>
      withStore(async (inner) => {
        const snapshots = await snapshotStoreFor(inner);
        try {
          await body(new InstrumentedStore(inner), snapshots);
        } finally {
          await snapshots.close?.();
        }
      });

    it('are taken by an every-N policy and loading reads only the events after them', () =>
      withBoth(async (store, snapshots) => {
        const repository = new AggregateRepository(store, BankAccount, {
          snapshots: { store: snapshots, policy: 3 },
        });
        const plain = new AggregateRepository(store, BankAccount);
        const account = repository.create('s1');
        account.open('Ada');
        expect((await repository.save(account)).snapshotted).toBe(false);
        for (let i = 1; i <= 7; i++) {
          account.deposit(i);
          await repository.save(account);
        }
        // Versions 1..8; snapshots at 3 and 6 (three events since the last one each time).
        const snapshot = await snapshots.load('BankAccount-s1');
        expect(snapshot?.version).toBe(6);
        expect(snapshot?.schemaVersion).toBe(1);
        store.reads.length = 0;
        const loaded = await repository.get('s1');
        expect(store.reads).toEqual([{ streamId: 'BankAccount-s1', options: { from: 7 } }]);
        expect(loaded.state).toEqual((await plain.get('s1')).state);
        expect(loaded.version).toBe(8);
        expect(loaded.persistedVersion).toBe(8);
        // Saving the loaded aggregate continues the policy from its snapshot.
        loaded.deposit(1);
        expect((await repository.save(loaded)).snapshotted).toBe(true);
        expect((await snapshots.load('BankAccount-s1'))?.version).toBe(9);
      }));

    it('a snapshot at the stream’s last version loads with no event read after it', () =>
      withBoth(async (store, snapshots) => {
        const repository = new AggregateRepository(store, Account, {
          snapshots: { store: snapshots, policy: 1 },
        });
        const account = repository.create('s2');
        account.execute({ type: 'Open', owner: 'Ada' });
        account.execute({ type: 'Deposit', amount: 9 });
        expect((await repository.save(account)).snapshotted).toBe(true);
        const loaded = await repository.get('s2');
        expect(loaded.state).toEqual(account.state);
        expect(loaded.version).toBe(2);
      }));

    it('a function policy decides from the context', () =>
      withBoth(async (store, snapshots) => {
        const seen: SnapshotPolicyContext[] = [];
        const repository = new AggregateRepository(store, BankAccount, {
          snapshots: {
            store: snapshots,
            policy: (context) => {
              seen.push(context);
              return (context.state as AccountState).status === 'closed';
            },
          },
        });
        const account = repository.create('s3');
        account.open('Ada');
        await repository.save(account);
        account.close();
        expect((await repository.save(account)).snapshotted).toBe(true);
        expect(
          seen.map((c) => [c.streamId, c.previousVersion, c.version, c.lastSnapshotVersion]),
        ).toEqual([
          ['BankAccount-s3', 0, 1, 0],
          ['BankAccount-s3', 1, 2, 0],
        ]);
        expect((await snapshots.load('BankAccount-s3'))?.state).toMatchObject({ status: 'closed' });
      }));

    it('a snapshot of another schema version is ignored, then replaced at the next save', () =>
      withBoth(async (store, snapshots) => {
        const v1 = new AggregateRepository(store, BankAccount, {
          snapshots: { store: snapshots, policy: 2 },
        });
        const account = v1.create('s4');
        account.open('Ada');
        account.deposit(5);
        await v1.save(account);
        expect((await snapshots.load('BankAccount-s4'))?.schemaVersion).toBe(1);

        class BankAccountV2 extends BankAccount {
          static readonly schemaVersion = 2;
        }
        const v2 = new AggregateRepository(store, BankAccountV2, {
          snapshots: { store: snapshots, policy: 1000 },
        });
        store.reads.length = 0;
        const loaded = await v2.get('s4');
        expect(store.reads[0]?.options).toBeUndefined(); // the whole stream: the snapshot was ignored
        expect(loaded.state).toEqual(account.state);
        loaded.deposit(1);
        // The policy (every 1000) would not snapshot, but the stale snapshot is replaced.
        expect((await v2.save(loaded)).snapshotted).toBe(true);
        const replaced = await snapshots.load('BankAccount-s4');
        expect([replaced?.schemaVersion, replaced?.version]).toEqual([2, 3]);
        loaded.deposit(1);
        expect((await v2.save(loaded)).snapshotted).toBe(false);
      }));

    it('a snapshot ahead of its stream (from another store) is ignored', () =>
      withBoth(async (store, snapshots) => {
        await snapshots.save({
          streamId: 'BankAccount-s5',
          version: 50,
          schemaVersion: 1,
          state: { status: 'open', owner: 'Ghost', balance: 999, transactions: 49 },
        });
        const repository = new AggregateRepository(store, BankAccount, {
          snapshots: { store: snapshots },
        });
        expect(await repository.load('s5')).toBeUndefined();
        expect(await snapshots.load('BankAccount-s5')).toBeUndefined(); // deleted: it can never be trusted
        await store.append('BankAccount-s5', [{ type: 'AccountOpened', data: { owner: 'Ada' } }]);
        const loaded = await repository.get('s5');
        expect(loaded.state.owner).toBe('Ada');
        expect(loaded.version).toBe(1);
      }));

    it('takeSnapshot writes one now; a failing snapshot store does not fail the save', () =>
      withBoth(async (store, snapshots) => {
        const repository = new AggregateRepository(store, BankAccount, {
          snapshots: { store: snapshots, policy: 1000 },
        });
        const account = repository.create('s6');
        account.open('Ada');
        expect(ValidationError.is(await rejectionOf(repository.takeSnapshot(account)))).toBe(true);
        await repository.save(account);
        expect(await repository.takeSnapshot(account)).toBe(true);
        expect((await snapshots.load('BankAccount-s6'))?.version).toBe(1);

        const failures: [unknown, NewSnapshot][] = [];
        const broken: SnapshotStore = {
          load: () => Promise.resolve(undefined),
          save: () => Promise.reject(new Error('disk full')),
          delete: () => Promise.resolve(false),
        };
        const fragile = new AggregateRepository(store, BankAccount, {
          snapshots: {
            store: broken,
            policy: 1,
            onError: (error, snapshot) => failures.push([error, snapshot]),
          },
        });
        const other = fragile.create('s7');
        other.open('Ada');
        const saved = await fragile.save(other);
        expect(saved.snapshotted).toBe(false);
        expect(saved.version).toBe(1);
        expect(other.uncommittedEvents).toEqual([]);
        expect(failures).toHaveLength(1);
        expect((failures[0]?.[0] as Error).message).toBe('disk full');
        expect(failures[0]?.[1]).toMatchObject({ streamId: 'BankAccount-s7', version: 1 });
      }));

    it('the command handler loads from snapshots and takes them', () =>
      withBoth(async (store, snapshots) => {
        const repository = new AggregateRepository(store, Account, {
          snapshots: { store: snapshots, policy: 5 },
        });
        const handler = CommandHandler.forDecider(repository);
        await handler.handle('s8', { type: 'Open', owner: 'Ada' });
        for (let i = 0; i < 11; i++) await handler.handle('s8', { type: 'Deposit', amount: 1 });
        expect((await snapshots.load('Account-s8'))?.version).toBe(10);
        store.reads.length = 0;
        const result = await handler.handle('s8', { type: 'Deposit', amount: 1 });
        expect(store.reads[0]?.options).toEqual({ from: 11 });
        expect(result.state.balance).toBe(12);
        expect(result.version).toBe(13);
      }));

    it('rejects an invalid every-N policy up front', () =>
      withBoth((store, snapshots) => {
        expect(
          () =>
            new AggregateRepository(store, BankAccount, {
              snapshots: { store: snapshots, policy: 0 },
            }),
        ).toThrow(ValidationError);
        return Promise.resolve();
      }));
  });
}
