/**
 * Cancelling `CommandHandler.handle` with a signal or a timeout, on any
 * backend: before it starts, during an `async` decide, during the backoff
 * before a retry (conflicts forced by a competitor), and by `timeoutMs`.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  type ResolvedCommandContext,
} from '../../../src/aggregates/index.js';
import { type EventStore } from '../../../src/index.js';
import { Account, BankAccount, decideAccount, type AccountCommand } from '../domain.js';
import { InstrumentedStore, rejectionOf } from '../instrumented-store.js';
import type { WithStore } from './styles.js';

/** A backoff far longer than any test: only an abort ends it in time. */
const LONG_BACKOFF = { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 } as const;

/** The number of active timers that keep the process alive. */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

/** Makes every append of `instrumented` conflict: a competitor appends to the stream first. */
function competeOnEveryAppend(instrumented: InstrumentedStore, inner: EventStore): void {
  instrumented.beforeAppend = async (streamId) => {
    await inner.append(streamId, [{ type: 'MoneyDeposited', data: { amount: 1 } }]);
  };
}

/** Registers the cancellation cases. */
export function cancelCases(withStore: WithStore): void {
  describe('command handler: signal and timeout', () => {
    it('an already aborted signal rejects with its reason before reading or appending anything', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const handler = CommandHandler.forDecider(new AggregateRepository(instrumented, Account));
        const controller = new AbortController();
        const reason = new Error('request cancelled');
        controller.abort(reason);
        const error = await rejectionOf(
          handler.handle('x1', { type: 'Open', owner: 'Ada' }, { signal: controller.signal }),
        );
        expect(error).toBe(reason);
        expect([instrumented.reads.length, instrumented.appends]).toEqual([0, 0]);
        expect(await store.exists('Account-x1')).toBe(false);
      }));

    it('an abort during a retry backoff rejects at once with the reason, clears the backoff timer and starts no next attempt', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const retries: number[] = [];
        let retrying: () => void = () => undefined;
        const firstRetry = new Promise<void>((resolve) => (retrying = resolve));
        const handler = new CommandHandler(
          new AggregateRepository(instrumented, BankAccount),
          decideAccount,
          {
            retry: LONG_BACKOFF,
            onRetry: (info) => {
              retries.push(info.retry);
              retrying();
            },
          },
        );
        await handler.handle('x2', { type: 'Open', owner: 'Ada' });
        competeOnEveryAppend(instrumented, store);
        const appendsBefore = instrumented.appends;
        const controller = new AbortController();
        const started = Date.now();
        const handled = rejectionOf(
          handler.handle('x2', { type: 'Deposit', amount: 5 }, { signal: controller.signal }),
        );
        await firstRetry; // the handler now sleeps before retry 1
        const timersWhileSleeping = activeTimers();
        const reason = new Error('shutting down');
        controller.abort(reason);
        expect(await handled).toBe(reason);
        expect(activeTimers()).toBe(timersWhileSleeping - 1);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(retries).toEqual([1]);
        expect(instrumented.appends - appendsBefore).toBe(1);
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
        instrumented.beforeAppend = undefined;
        // The competitor's one deposit landed; the cancelled command's did not.
        const account = await new AggregateRepository(store, BankAccount).get('x2');
        expect([account.version, account.balance]).toEqual([2, 1]);
      }));

    it('timeoutMs ends a handler stuck in backoff with a TimeoutError', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        const handler = CommandHandler.forDecider(new AggregateRepository(instrumented, Account), {
          retry: LONG_BACKOFF,
        });
        await handler.handle('x3', { type: 'Open', owner: 'Ada' });
        competeOnEveryAppend(instrumented, store);
        const appendsBefore = instrumented.appends;
        const started = Date.now();
        const error = await rejectionOf(
          handler.handle('x3', { type: 'Deposit', amount: 5 }, { timeoutMs: 100 }),
        );
        const elapsed = Date.now() - started;
        expect(error).toBeInstanceOf(DOMException);
        expect((error as DOMException).name).toBe('TimeoutError');
        expect(elapsed).toBeGreaterThanOrEqual(90);
        expect(elapsed).toBeLessThan(10_000);
        expect(instrumented.appends - appendsBefore).toBe(1);
      }));

    it('decide receives the signal; an abort while an async decide is pending rejects and appends nothing', () =>
      withStore(async (store) => {
        const instrumented = new InstrumentedStore(store);
        let entered: () => void = () => undefined;
        const inDecide = new Promise<void>((resolve) => (entered = resolve));
        const seen: (AbortSignal | undefined)[] = [];
        const handler = new CommandHandler(
          new AggregateRepository(instrumented, BankAccount),
          async (
            account: BankAccount,
            command: AccountCommand,
            context: ResolvedCommandContext,
          ) => {
            seen.push(context.signal);
            entered();
            // Slow work that stops when told to, as a decide calling another service would.
            await new Promise<void>((resolve) =>
              context.signal?.addEventListener('abort', () => resolve(), { once: true }),
            );
            decideAccount(account, command);
          },
        );
        const controller = new AbortController();
        const handled = rejectionOf(
          handler.handle('x4', { type: 'Open', owner: 'Ada' }, { signal: controller.signal }),
        );
        await inDecide;
        const reason = new Error('client went away');
        controller.abort(reason);
        expect(await handled).toBe(reason);
        expect(seen).toEqual([controller.signal]);
        expect(seen[0]?.aborted).toBe(true);
        expect(instrumented.appends).toBe(0);
        expect(await store.exists('BankAccount-x4')).toBe(false);
      }));

    it('a signal that never aborts changes nothing and keeps no listener after each command', () =>
      withStore(async (store) => {
        const handler = CommandHandler.forDecider(new AggregateRepository(store, Account));
        const controller = new AbortController();
        const { signal } = controller;
        const opened = await handler.handle('x5', { type: 'Open', owner: 'Ada' }, { signal });
        const deposited = await handler.handle(
          'x5',
          { type: 'Deposit', amount: 3 },
          { signal, timeoutMs: 60_000, correlationId: 'req-5' },
        );
        expect([opened.version, deposited.version, deposited.state.balance]).toEqual([1, 2, 3]);
        expect(getEventListeners(signal, 'abort')).toHaveLength(0);
        const [, deposit] = (await store.read('Account-x5')).events;
        // Only the ids reach the events' metadata, not the signal or the timeout.
        expect(Object.keys(deposit?.metadata ?? {}).sort()).toEqual([
          'causationId',
          'correlationId',
        ]);
        expect(deposit?.metadata.correlationId).toBe('req-5');
        expect(typeof deposit?.metadata.causationId).toBe('string');
      }));
  });
}
