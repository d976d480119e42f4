/**
 * Property: loading with snapshots gives the same aggregate as loading the
 * whole stream, whatever the event sequence, the snapshot policy, the style
 * (class or decider) and the schema-version changes between saves; every
 * stored snapshot is the fold of the stream's first `version` events; and a
 * load reads only the events after a usable snapshot. A function of the
 * backend, so every event store and snapshot store runs it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AggregateRepository,
  fromDecider,
  type AggregateRoot,
  type SnapshotPolicy,
  type SnapshotStore,
} from '../../src/aggregates/index.js';
import { type EventStore } from '../../src/index.js';
import {
  AccountOpened,
  BankAccount,
  MoneyDeposited,
  MoneyWithdrawn,
  accountDecider,
  type AccountEvent,
  type AccountState,
} from './domain.js';
import { InstrumentedStore } from './instrumented-store.js';

type Root = AggregateRoot<AccountEvent, AccountState>;
type Op = { readonly deposit: number } | { readonly withdraw: number };
type Step =
  | { readonly kind: 'save'; readonly ops: readonly Op[] }
  | { readonly kind: 'schema'; readonly version: number }
  | { readonly kind: 'reload' };
type PolicyChoice =
  | { readonly kind: 'every'; readonly n: number }
  | { readonly kind: 'at'; readonly versions: readonly number[] }
  | { readonly kind: 'always' };

class BankAccountV2 extends BankAccount {
  static readonly schemaVersion = 2;
}
class BankAccountV3 extends BankAccount {
  static readonly schemaVersion = 3;
}
const classes = [BankAccount, BankAccountV2, BankAccountV3] as const;

function repositoryFor(
  style: 'class' | 'decider',
  schemaVersion: number,
  store: InstrumentedStore,
  snapshots?: { store: SnapshotStore; policy: SnapshotPolicy },
): AggregateRepository<Root> {
  const options = snapshots === undefined ? {} : { snapshots };
  if (style === 'decider') {
    return new AggregateRepository<Root>(
      store,
      fromDecider('Account', accountDecider, { schemaVersion }),
      options,
    );
  }
  return new AggregateRepository<Root>(store, classes[schemaVersion - 1] ?? BankAccount, options);
}

function policyOf(choice: PolicyChoice): SnapshotPolicy {
  switch (choice.kind) {
    case 'every':
      return choice.n;
    case 'at':
      return ({ version }) => choice.versions.includes(version);
    case 'always':
      return () => true;
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 1, max: 1000 }).map((deposit) => ({ deposit })),
  fc.integer({ min: 1, max: 1000 }).map((withdraw) => ({ withdraw })),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(op, { minLength: 1, maxLength: 6 })
      .map((ops) => ({ kind: 'save' as const, ops })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 3 })
      .map((version) => ({ kind: 'schema' as const, version })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'reload' as const }) },
);
const policy: fc.Arbitrary<PolicyChoice> = fc.oneof(
  fc.integer({ min: 1, max: 8 }).map((n) => ({ kind: 'every' as const, n })),
  fc
    .uniqueArray(fc.integer({ min: 1, max: 80 }), { maxLength: 12 })
    .map((versions) => ({ kind: 'at' as const, versions })),
  fc.constant({ kind: 'always' as const }),
);

/** A fresh event store and a snapshot store beside it, for one run of the property. */
export interface SnapshotPropertyStores {
  readonly events: EventStore;
  readonly snapshots: SnapshotStore;
}

/** Registers the property for the backend `name`; `createStores` is called once per run, its stores closed after it. */
export function snapshotProperty(
  name: string,
  createStores: () => Promise<SnapshotPropertyStores>,
  numRuns: number,
): void {
  describe(`snapshots (property): ${name}`, () => {
    it('loading with and without snapshots gives equal state and version', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('class' as const, 'decider' as const),
          policy,
          fc.array(step, { minLength: 1, maxLength: 25 }),
          async (style, policyChoice, steps) => {
            const stores = await createStores();
            try {
              const store = new InstrumentedStore(stores.events);
              const snapshots = stores.snapshots;
              const snapshotOptions = { store: snapshots, policy: policyOf(policyChoice) };
              let schema = 1;
              const withSnapshots = () => repositoryFor(style, schema, store, snapshotOptions);
              const plain = repositoryFor(style, 1, store);
              let aggregate = withSnapshots().create('p');
              aggregate.raise(AccountOpened({ owner: 'Ada' }));
              await withSnapshots().save(aggregate);
              const streamId = aggregate.streamId;

              for (const current of steps) {
                if (current.kind === 'save') {
                  for (const o of current.ops) {
                    aggregate.raise(
                      'deposit' in o
                        ? MoneyDeposited({ amount: o.deposit })
                        : MoneyWithdrawn({ amount: o.withdraw }),
                    );
                  }
                  await withSnapshots().save(aggregate);
                } else {
                  if (current.kind === 'schema') schema = current.version;
                  aggregate = await withSnapshots().get('p');
                }

                const snapshot = await snapshots.load(streamId);
                store.reads.length = 0;
                const fromSnapshot = await withSnapshots().get('p');
                const usable = snapshot !== undefined && snapshot.schemaVersion === schema;
                expect(store.reads.map((r) => r.options)).toEqual([
                  usable ? { from: snapshot.version + 1 } : undefined,
                ]);
                const full = await plain.get('p');
                expect(fromSnapshot.state).toEqual(full.state);
                expect(fromSnapshot.version).toBe(full.version);
                expect(aggregate.state).toEqual(full.state);
                expect(aggregate.version).toBe(full.version);

                if (snapshot !== undefined) {
                  const prefix = plain.create('p');
                  prefix.loadFromHistory(
                    (await store.read<AccountEvent>(streamId, { limit: snapshot.version })).events,
                  );
                  expect(snapshot.state).toEqual(prefix.state);
                }
              }
            } finally {
              await stores.snapshots.close?.();
              await stores.events.close();
            }
          },
        ),
        { numRuns },
      );
    });
  });
}
