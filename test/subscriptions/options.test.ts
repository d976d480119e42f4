import { describe, expect, it } from 'vitest';
import { InMemoryEventStore, InvalidOptionError, type Position } from '../../src/index.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  resetProjection,
  subscribe,
  type SubscribeOptions,
} from '../../src/subscriptions/index.js';
import { thrown } from '../support/rejection.js';

const store = new InMemoryEventStore();
const handler = (): void => undefined;

/** What `fn` threw (it must throw). */
/** Bad values of each subscription option, and the option name the error must carry. */
const BAD: readonly [option: string, overrides: Record<string, unknown>, value: unknown][] = [
  ['name', { name: '' }, ''],
  ['name', { name: 'x'.repeat(201) }, 'x'.repeat(201)],
  ['name', { name: 'a\u0000b' }, 'a\u0000b'],
  ['name', { name: 42 }, 42],
  ['storage', { storage: {} }, {}],
  ['storage', { storage: 'memory' }, 'memory'],
  ['from', { from: 'nowhere' }, 'nowhere'],
  ['from', { from: 7 }, 7],
  ['types', { types: 'Created' }, 'Created'],
  ['types', { types: ['Created', 3] }, ['Created', 3]],
  ['categories', { categories: [null] }, [null]],
  ['batchSize', { batchSize: 0 }, 0],
  ['batchSize', { batchSize: Number.NaN }, Number.NaN],
  ['batchSize', { batchSize: 2.5 }, 2.5],
  ['batchSize', { batchSize: '10' }, '10'],
  ['targetBatchMs', { targetBatchMs: 0 }, 0],
  ['targetBatchMs', { targetBatchMs: true }, true],
  ['minBatchSize', { minBatchSize: 0 }, 0],
  ['maxBatchSize', { maxBatchSize: 1.5 }, 1.5],
  ['minBatchSize', { minBatchSize: 50, maxBatchSize: 20 }, 50],
  ['batchSize', { batchSize: 5, minBatchSize: 10 }, 5],
  ['batchSize', { batchSize: 500, maxBatchSize: 100 }, 500],
  ['pollIntervalMs', { pollIntervalMs: -1 }, -1],
  ['pollIntervalMs', { pollIntervalMs: Number.NaN }, Number.NaN],
  ['pollIntervalMs', { pollIntervalMs: 2 ** 31 }, 2 ** 31],
  ['retry', { retry: 3 }, 3],
  ['retry.maxRetries', { retry: { maxRetries: -1 } }, -1],
  ['retry.maxRetries', { retry: { maxRetries: Number.NaN } }, Number.NaN],
  ['retry.initialDelayMs', { retry: { initialDelayMs: 1.5 } }, 1.5],
  ['retry.maxDelayMs', { retry: { maxDelayMs: 'long' } }, 'long'],
  ['onFailure', { onFailure: 'explode' }, 'explode'],
  ['lease', { lease: true }, true],
  ['lease.ttlMs', { lease: { ttlMs: 0 } }, 0],
  ['lease.ttlMs', { lease: { ttlMs: Number.NaN } }, Number.NaN],
  ['lease.retryMs', { lease: { retryMs: -5 } }, -5],
  ['lease.holder', { lease: { holder: '' } }, ''],
  ['lease.holder', { lease: { holder: 12 } }, 12],
  ['group', { group: 2 }, 2],
  ['group.members', { group: { members: 0, member: 0 } }, 0],
  ['group.members', { group: { member: 0 } }, undefined],
  ['group.member', { group: { members: 2, member: 2 } }, 2],
  ['group.member', { group: { members: 2, member: -1 } }, -1],
  ['group.member', { group: { members: 2, member: 0.5 } }, 0.5],
  ['onError', { onError: 'log' }, 'log'],
  ['signal', { signal: { aborted: false } }, { aborted: false }],
  ['handler', { handler: undefined }, undefined],
  ['handler', { handler: 'print' }, 'print'],
];

describe('subscription options', () => {
  it.each(BAD)(
    'refuses a bad %s (%j) with an InvalidOptionError naming it',
    (option, overrides, value) => {
      const options = { name: 'x', handler, ...overrides } as unknown as SubscribeOptions;
      const error = thrown(() => subscribe(store, options));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option });
      expect((error as InvalidOptionError).value).toStrictEqual(value);
    },
  );

  it('refuses options that are not an object', () => {
    const error = thrown(() => subscribe(store, null as unknown as SubscribeOptions));
    expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'options', value: null });
  });

  it('refuses a subscription without options or without a handler before it starts', () => {
    const none = thrown(() => subscribe(store, undefined as unknown as SubscribeOptions));
    expect(InvalidOptionError.is(none)).toBe(true);
    expect(none).toMatchObject({ option: 'options', value: undefined });
    expect((none as Error).message).toBe(
      'Invalid option options=undefined: expected an options object with a handler',
    );
    for (const options of [{ name: 'no-handler' }, { name: 'object', handler: { handle() {} } }]) {
      const error = thrown(() => subscribe(store, options as unknown as SubscribeOptions));
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'handler' });
      expect((error as Error).message).toMatch(/: expected a function$/);
    }
  });

  it("refuses a consumer-group member name longer than 200 characters as a bad 'name'", () => {
    const name = 'x'.repeat(196);
    const error = thrown(() =>
      subscribe(store, { name, group: { members: 10, member: 1 }, handler }),
    );
    expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'name', value: name });
  });

  it('accepts every option at its limits, and positions of one or two parts', async () => {
    const storage = new InMemorySubscriptionStorage();
    const subs = [
      subscribe(store, {
        name: 'x'.repeat(200),
        storage,
        from: '00000000000000000001' as Position,
        types: [],
        categories: ['Task'],
        batchSize: 1,
        pollIntervalMs: 2 ** 31 - 1,
        retry: { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 },
        onFailure: 'stop',
        lease: { ttlMs: 1, retryMs: 1, holder: 'h'.repeat(200) },
        onError: () => undefined,
        signal: new AbortController().signal,
        handler,
      }),
      subscribe(store, {
        name: 'two-parts',
        storage,
        from: '00000000000000000001:00000000000000000002' as Position,
        lease: false,
        group: { members: 1, member: 0 },
        handler,
      }),
    ];
    expect(subs.map((s) => s.name)).toEqual(['x'.repeat(200), 'two-parts[0/1]']);
    await Promise.all(subs.map((s) => s.stop()));
  });

  it('resetProjection refuses a bad members count', async () => {
    const projection = defineProjection({ name: 'p', handlers: { A: () => undefined } });
    const storage = new InMemorySubscriptionStorage();
    for (const members of [0, 1.5, Number.NaN]) {
      const error: unknown = await resetProjection(storage, projection, { members }).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'members' });
    }
  });

  it('waitForPosition refuses a bad signal or timeoutMs with a rejection naming it', async () => {
    const sub = subscribe(store, { name: 'waiting', handler });
    const at = '00000000000000000009' as Position;
    await expect(sub.waitForPosition(at, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      option: 'timeoutMs',
    });
    await expect(sub.waitForPosition(at, { timeoutMs: Number.NaN })).rejects.toMatchObject({
      option: 'timeoutMs',
    });
    await expect(
      sub.waitForPosition(at, { signal: 'stop' as unknown as AbortSignal }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'signal' });
    await sub.stop();
  });
});
