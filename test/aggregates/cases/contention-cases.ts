/** The command handler under real contention: bounded retries, exhaustion, no retry. */
import { describe, expect, it } from 'vitest';
import { AggregateRepository, CommandHandler } from '../../../src/aggregates/index.js';
import { ConcurrencyError } from '../../../src/index.js';
import { Account, BankAccount, decideAccount, type AccountCommand } from '../domain.js';
import { InstrumentedStore, rejectionOf } from '../instrumented-store.js';
import type { WithStore } from './styles.js';

/** Registers the contention cases. */
export function contentionCases(withStore: WithStore): void {
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
