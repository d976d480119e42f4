/** The command handler's load / decide / append cycle, in both styles, on any backend. */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  type AggregateRoot,
} from '../../../src/aggregates/index.js';
import {
  AccountError,
  InsufficientFunds,
  type AccountEvent,
  type AccountState,
} from '../domain.js';
import { rejectionOf } from '../instrumented-store.js';
import type { Style, WithStore } from './styles.js';

/** Registers the command handler cases of one style. */
export function commandHandlerCases<A extends AggregateRoot<AccountEvent, AccountState>>(
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
        const stored = (await store.read(`${style.type}-h1`)).events.map((e) => e.position);
        expect(stored).toHaveLength(2);
        expect([opened.position, deposited.position]).toEqual(stored);
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
