/** Snapshots through repositories and the command handler, with the backend's snapshot store. */
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  CommandHandler,
  type NewSnapshot,
  type SnapshotPolicyContext,
  type SnapshotStore,
} from '../../../src/aggregates/index.js';
import { InvalidOptionError, ValidationError, type EventStore } from '../../../src/index.js';
import { Account, BankAccount, type AccountState } from '../domain.js';
import { InstrumentedStore, rejectionOf, thrownBy } from '../instrumented-store.js';
import type { WithStore } from './styles.js';

/** Registers the snapshot cases; `snapshotStoreFor` makes the snapshot store of a store. */
export function snapshotCases(
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
          close: () => Promise.resolve(),
          [Symbol.asyncDispose]: () => Promise.resolve(),
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

    it('rejects an invalid every-N policy up front, naming the option', () =>
      withBoth((store, snapshots) => {
        const error = thrownBy(
          () =>
            new AggregateRepository(store, BankAccount, {
              snapshots: { store: snapshots, policy: 0 },
            }),
        );
        expect(InvalidOptionError.is(error)).toBe(true);
        expect([(error as InvalidOptionError).option, (error as InvalidOptionError).value]).toEqual(
          ['snapshots.policy', 0],
        );
        return Promise.resolve();
      }));
  });
}
