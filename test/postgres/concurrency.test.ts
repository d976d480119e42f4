import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConcurrencyError } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { holdAppends, event, expectSeenAsStored, followFeed, rawClient } from './helpers.js';

const database = useTestDatabase('concurrency');

async function openStore(schema: string, max = 4): Promise<PostgresEventStore> {
  return PostgresEventStore.connect({
    connectionString: database().url,
    schema,
    poolConfig: { max },
  });
}

describe('PostgreSQL concurrency with real connections', () => {
  it('16 writers racing on one stream: exactly one winner per version, losers see the real version', async () => {
    const schema = uniqueName('race');
    const stores = await Promise.all(Array.from({ length: 16 }, () => openStore(schema, 1)));
    try {
      const rounds = 8;
      for (let round = 0; round < rounds; round++) {
        const outcomes = await Promise.allSettled(
          stores.map((store, writer) =>
            store.append('Race-1', [event('Raced', { round, writer })], { expectedVersion: round }),
          ),
        );
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        expect(winners[0]?.value.version).toBe(round + 1);
        for (const outcome of outcomes) {
          if (outcome.status === 'fulfilled') continue;
          expect(ConcurrencyError.is(outcome.reason)).toBe(true);
          const error = outcome.reason as ConcurrencyError;
          expect(error.expectedVersion).toBe(round);
          expect(error.actualVersion).toBe(round + 1);
        }
      }
      const stream = await stores[0]?.read('Race-1');
      expect(stream?.version).toBe(rounds);
      expect(stream?.events.map((e) => e.version)).toEqual(
        Array.from({ length: rounds }, (_, i) => i + 1),
      );

      // Free-for-all: each writer reads and appends until 40 versions exist.
      const wins = new Map<number, number>();
      await Promise.all(
        stores.map(async (store, writer) => {
          for (;;) {
            const version = await store.getVersion('Race-2');
            if (version >= 40) return;
            try {
              const result = await store.append('Race-2', [event('Raced', { writer })], {
                expectedVersion: version,
              });
              wins.set(result.version, (wins.get(result.version) ?? 0) + 1);
            } catch (error) {
              if (!ConcurrencyError.is(error)) throw error;
              expect(error.actualVersion).toBeGreaterThan(version);
            }
          }
        }),
      );
      expect([...wins.keys()].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect([...wins.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('a feed reader sees every committed event exactly once and each stream in version order', async () => {
    const schema = uniqueName('feed');
    const store = await openStore(schema, 12);
    const readerStore = await openStore(schema, 2);
    const holders: pg.Client[] = await Promise.all(
      Array.from({ length: 3 }, () => rawClient(database().url)),
    );
    const follower = followFeed(readerStore, 37);
    try {
      const streams = Array.from({ length: 30 }, (_, i) => `Item-${i}`);
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let n = 0; n < 40; n++) {
          const stream = streams[(w * 7 + n * 13) % streams.length] as string;
          const size = 1 + ((w + n) % 4);
          await store.append(
            stream,
            Array.from({ length: size }, (_, i) => event('Written', { w, n, i })),
          );
        }
      });
      // Transactions held open for a while on writers' streams (writers of those streams wait
      // behind them) and on streams of their own; one in three is rolled back.
      const held = holdAppends(holders, schema, streams, 6);
      const [rolledBack] = await Promise.all([held, ...writers]);
      await follower.finish();

      expect(rolledBack).toBeGreaterThan(0);
      // Exactly once, in order, each stream in version order without gaps.
      await expectSeenAsStored(store, schema, follower.seen);
    } finally {
      void follower.finish();
      await Promise.all(holders.map((client) => client.end()));
      await store.close();
      await readerStore.close();
    }
  });
});
