/** Correlation and causation metadata stamped by the command handler and by saves. */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  causedBy,
  fromDecider,
} from '../../../src/aggregates/index.js';
import {
  Account,
  BankAccount,
  accountDecider,
  decideAccount,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '../domain.js';
import type { WithStore } from './styles.js';

/** Registers the metadata cases. */
export function metadataCases(withStore: WithStore): void {
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
