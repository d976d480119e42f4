import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import type { BenchEvent, BenchTarget, TargetSession } from '../lib/targets.js';

type EmmettEvent = { type: string; data: Record<string, unknown> };

/**
 * Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`) through its
 * documented API, each session on a fresh database made by `freshDatabase`.
 */
export function emmettPostgresTarget(freshDatabase: () => Promise<string>): BenchTarget {
  return {
    name: 'Emmett PostgreSQL',
    backend: 'postgres',
    kind: 'peer',
    async open() {
      const url = await freshDatabase();
      const store = getPostgreSQLEventStore(url, { schema: { autoMigration: 'CreateOrUpdate' } });
      const asEmmett = (events: readonly BenchEvent[]) => events as unknown as EmmettEvent[];
      return {
        async appendNew(streamId, events) {
          await store.appendToStream(streamId, asEmmett(events), {
            expectedStreamVersion: STREAM_DOES_NOT_EXIST,
          });
        },
        async appendAt(streamId, version, events) {
          await store.appendToStream(streamId, asEmmett(events), {
            expectedStreamVersion: BigInt(version),
          });
        },
        async readStream(streamId) {
          return (await store.readStream(streamId)).events.length;
        },
        async readFeed(pageSize) {
          const pool = dumbo({ connectionString: url });
          try {
            let count = 0;
            let after = 0n;
            for (;;) {
              const batch = await readMessagesBatch(pool.execute, { after, batchSize: pageSize });
              count += batch.messages.length;
              if (!batch.areMessagesLeft || batch.messages.length === 0) return count;
              after = batch.currentGlobalPosition;
            }
          } finally {
            await pool.close();
          }
        },
        async fold(streamId, initial, evolve) {
          const result = await store.aggregateStream<typeof initial, EmmettEvent>(streamId, {
            initialState: () => initial,
            evolve: (state: typeof initial, event: EmmettEvent) => evolve(state, event),
          });
          return result.state;
        },
        close: () => store.close(),
      } satisfies TargetSession;
    },
  };
}
