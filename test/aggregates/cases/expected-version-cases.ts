/** The command handler's `expectedVersion`: a caller's precondition, checked and never retried. */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  type AggregateRoot,
} from '../../../src/aggregates/index.js';
import { ConcurrencyError, InvalidOptionError } from '../../../src/index.js';
import type { AccountCommand, AccountEvent, AccountState } from '../domain.js';
import { rejectionOf } from '../instrumented-store.js';
import type { Style, WithStore } from './styles.js';

/** Registers the expected-version cases of one style. */
export function expectedVersionCases<A extends AggregateRoot<AccountEvent, AccountState>>(
  style: Style<A>,
  withStore: WithStore,
): void {
  describe(`command handler expectedVersion, ${style.name}`, () => {
    it('runs the command only at the expected version; a mismatch is a ConcurrencyError before decide', () =>
      withStore(async (store) => {
        let decided = 0;
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          (aggregate: A, command: AccountCommand, context) => {
            decided += 1;
            return style.decide(aggregate, command, context);
          },
        );
        const opened = await handler.handle(
          'e1',
          { type: 'Open', owner: 'Ada' },
          { expectedVersion: 'no_stream' },
        );
        expect(opened.version).toBe(1);
        const deposited = await handler.handle(
          'e1',
          { type: 'Deposit', amount: 5 },
          { expectedVersion: 1 },
        );
        expect(deposited.version).toBe(2);
        expect(decided).toBe(2);

        const stale = await rejectionOf(
          handler.handle('e1', { type: 'Deposit', amount: 7 }, { expectedVersion: 1 }),
        );
        expect(ConcurrencyError.is(stale)).toBe(true);
        expect(stale).toMatchObject({
          streamId: `${style.type}-e1`,
          expectedVersion: 1,
          actualVersion: 2,
        });
        const again = await rejectionOf(
          handler.handle('e1', { type: 'Open', owner: 'Bob' }, { expectedVersion: 'no_stream' }),
        );
        expect(again).toMatchObject({ expectedVersion: 'no_stream', actualVersion: 2 });
        const missing = await rejectionOf(
          handler.handle(
            'e2',
            { type: 'Open', owner: 'Eve' },
            { expectedVersion: 'stream_exists' },
          ),
        );
        expect(missing).toMatchObject({ expectedVersion: 'stream_exists', actualVersion: 0 });
        expect(decided).toBe(2);
        expect(await store.getVersion(`${style.type}-e1`)).toBe(2);
        expect(await store.exists(`${style.type}-e2`)).toBe(false);
        const exists = await handler.handle(
          'e1',
          { type: 'Deposit', amount: 1 },
          { expectedVersion: 'stream_exists' },
        );
        expect(exists.version).toBe(3);
      }));

    it('a conflict on append is not retried with an exact expected version, but is without one', () =>
      withStore(async (store) => {
        const repository = new AggregateRepository(store, style.kind);
        await new CommandHandler(repository, style.decide).handle('e3', {
          type: 'Open',
          owner: 'Ada',
        });
        // Between the handler's load and its append, another writer appends once.
        const racing = (expectedVersion?: number) => {
          let raced = false;
          let retries = 0;
          const handler = new CommandHandler(
            repository,
            async (aggregate: A, command: AccountCommand, context) => {
              if (!raced) {
                raced = true;
                await store.append(`${style.type}-e3`, [
                  { type: 'MoneyDeposited', data: { amount: 100 } },
                ]);
              }
              return style.decide(aggregate, command, context);
            },
            { retry: { maxRetries: 3, initialDelayMs: 1 }, onRetry: () => void (retries += 1) },
          );
          return {
            run: () =>
              handler.handle(
                'e3',
                { type: 'Deposit', amount: 1 },
                expectedVersion === undefined ? {} : { expectedVersion },
              ),
            retries: () => retries,
          };
        };
        const exact = racing(1);
        const error = await rejectionOf(exact.run());
        expect(ConcurrencyError.is(error)).toBe(true);
        expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        expect(exact.retries()).toBe(0);
        expect(await store.getVersion(`${style.type}-e3`)).toBe(2);

        const free = racing();
        const result = await free.run();
        expect(free.retries()).toBe(1);
        expect(result.attempts).toBe(2);
        expect(result.version).toBe(4);
      }));

    it('two creates racing with no_stream: one lands, the other is refused without retry', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          style.decide,
        );
        const outcomes = await Promise.allSettled(
          ['Ada', 'Bob'].map((owner) =>
            handler.handle('e4', { type: 'Open', owner }, { expectedVersion: 'no_stream' }),
          ),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const refused = outcomes.find((o) => o.status === 'rejected');
        expect(ConcurrencyError.is(refused?.reason)).toBe(true);
        expect(await store.getVersion(`${style.type}-e4`)).toBe(1);
      }));

    it('refuses a malformed expectedVersion before anything is read', () =>
      withStore(async (store) => {
        const handler = new CommandHandler(
          new AggregateRepository(store, style.kind),
          style.decide,
        );
        for (const bad of [-1, 1.5, 'latest', Number.NaN, null]) {
          const error = await rejectionOf(
            handler.handle(
              'e5',
              { type: 'Open', owner: 'Ada' },
              {
                expectedVersion: bad as never,
              },
            ),
          );
          expect(InvalidOptionError.is(error)).toBe(true);
          expect(error).toMatchObject({ option: 'expectedVersion' });
        }
        expect(await store.exists(`${style.type}-e5`)).toBe(false);
      }));
  });
}
