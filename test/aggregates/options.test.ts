/**
 * Every option of the aggregate layer is checked where it is given, with an
 * `InvalidOptionError` naming it (nested as `retry.maxRetries`,
 * `snapshots.policy`): NaN, negative, non-integer and wrong-type values.
 */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  AggregateStore,
  CommandHandler,
  DeciderAggregate,
  InMemorySnapshotStore,
  everyNEvents,
  evolveWith,
  fromDecider,
  loadAggregate,
  saveAggregate,
} from '../../src/aggregates/index.js';
import { InMemoryEventStore, InvalidOptionError } from '../../src/index.js';
import { Account, BankAccount, accountDecider, accountHandlers, decideAccount } from './domain.js';
import { InstrumentedStore, rejectionOf, thrownBy } from './instrumented-store.js';

/** Asserts that `error` is an `InvalidOptionError` for `option` with `value`. */
function expectInvalid(error: unknown, option: string, value: unknown): void {
  expect(InvalidOptionError.is(error)).toBe(true);
  const invalid = error as InvalidOptionError;
  expect([invalid.code, invalid.option]).toEqual(['INVALID_OPTION', option]);
  expect(Object.is(invalid.value, value)).toBe(true);
  expect(invalid.message.startsWith(`Invalid option ${option}=`)).toBe(true);
}

const store = new InMemoryEventStore();
const snapshots = new InMemorySnapshotStore();
const repository = new AggregateRepository(store, BankAccount);
const noDecision = (): void => undefined;
const notASignal = { aborted: false };
const notAStore = { load: () => undefined };

/** Bad values of an integer option: NaN, negative, non-integer, wrong type. */
const badIntegers = (min = 0): unknown[] => [Number.NaN, min - 1, 1.5, '2', null];

describe('CommandHandler options', () => {
  it.each([
    ...['maxRetries', 'initialDelayMs', 'maxDelayMs'].flatMap((key) =>
      badIntegers().map((value) => [`retry.${key}`, { retry: { [key]: value } }, value] as const),
    ),
    ['retry', { retry: 3 }, 3] as const,
    ['retry', { retry: null }, null] as const,
    ['onRetry', { onRetry: 'log' }, 'log'] as const,
    ['options', 7, 7] as const,
  ])('%s: %j is an InvalidOptionError', (option, options, value) => {
    expectInvalid(
      thrownBy(() => new CommandHandler(repository, noDecision, options as never)),
      option,
      value,
    );
  });

  it('forDecider checks the same options', () => {
    expectInvalid(
      thrownBy(() =>
        CommandHandler.forDecider(new AggregateRepository(store, Account), {
          retry: { maxRetries: -1 },
        }),
      ),
      'retry.maxRetries',
      -1,
    );
  });

  it.each([
    ...badIntegers().map((value) => ['timeoutMs', { timeoutMs: value }, value] as const),
    ['timeoutMs', { timeoutMs: 2 ** 31 }, 2 ** 31] as const,
    ['signal', { signal: notASignal }, notASignal] as const,
    ['signal', { signal: 'stop' }, 'stop'] as const,
    ['options', 'urgent', 'urgent'] as const,
  ])(
    'handle %s: %j rejects with an InvalidOptionError before reading',
    async (option, options, value) => {
      const instrumented = new InstrumentedStore(store);
      const handler = new CommandHandler(
        new AggregateRepository(instrumented, BankAccount),
        decideAccount,
      );
      const error = await rejectionOf(
        handler.handle('o1', { type: 'Open', owner: 'Ada' }, options as never),
      );
      expectInvalid(error, option, value);
      expect([instrumented.reads.length, instrumented.appends]).toEqual([0, 0]);
    },
  );
});

describe('AggregateRepository, AggregateStore, saveAggregate and loadAggregate options', () => {
  const cases = [
    ...badIntegers(1).map(
      (value) =>
        ['snapshots.policy', { snapshots: { store: snapshots, policy: value } }, value] as const,
    ),
    ['snapshots.store', { snapshots: { policy: 10 } }, undefined] as const,
    ['snapshots.store', { snapshots: { store: notAStore } }, notAStore] as const,
    ['snapshots.onError', { snapshots: { store: snapshots, onError: true } }, true] as const,
    ['snapshots', { snapshots: 'yes' }, 'yes'] as const,
    ['options', 5, 5] as const,
  ];
  it.each(cases)('AggregateRepository %s: %j', (option, options, value) => {
    expectInvalid(
      thrownBy(() => new AggregateRepository(store, BankAccount, options as never)),
      option,
      value,
    );
  });

  it.each(cases)('AggregateStore %s: %j', (option, options, value) => {
    expectInvalid(
      thrownBy(() => new AggregateStore(store, options as never)),
      option,
      value,
    );
  });

  it.each(cases)(
    'saveAggregate %s: %j rejects before appending',
    async (option, options, value) => {
      const account = new BankAccount('o2');
      account.open('Ada');
      expectInvalid(
        await rejectionOf(saveAggregate(store, account, options as never)),
        option,
        value,
      );
      expect(account.uncommittedEvents).toHaveLength(1);
      expect(await store.exists('BankAccount-o2')).toBe(false);
    },
  );

  it.each(cases)('loadAggregate %s: %j rejects', async (option, options, value) => {
    expectInvalid(
      await rejectionOf(loadAggregate(store, BankAccount, 'o3', options as never)),
      option,
      value,
    );
  });

  it('accepts a function policy and every valid number', () => {
    expect(
      new AggregateRepository(store, BankAccount, {
        snapshots: { store: snapshots, policy: () => true, onError: () => undefined },
      }).type,
    ).toBe('BankAccount');
    expect(
      new AggregateStore(store, { snapshots: { store: snapshots, policy: 1 } }).eventStore,
    ).toBe(store);
  });
});

describe('snapshot policy, decider and evolve options', () => {
  it.each(badIntegers(1))('everyNEvents(%j) is an InvalidOptionError', (value) => {
    expectInvalid(
      thrownBy(() => everyNEvents(value as number)),
      'everyNEvents',
      value,
    );
  });

  it.each(badIntegers())('schemaVersion %j of fromDecider and DeciderAggregate', (value) => {
    const options = { schemaVersion: value as number };
    expectInvalid(
      thrownBy(() => fromDecider('Account', accountDecider, options)),
      'schemaVersion',
      value,
    );
    expectInvalid(
      thrownBy(() => new DeciderAggregate('1', 'Account', accountDecider, options)),
      'schemaVersion',
      value,
    );
  });

  it.each([
    ['aggregateType', { aggregateType: 5 }, 5],
    ['aggregateType', { aggregateType: '' }, ''],
    ['ignoreUnhandledEvents', { ignoreUnhandledEvents: 'yes' }, 'yes'],
    ['options', 'strict', 'strict'],
  ] as const)('evolveWith %s: %j', (option, options, value) => {
    expectInvalid(
      thrownBy(() => evolveWith(accountHandlers, options as never)),
      option,
      value,
    );
  });
});
