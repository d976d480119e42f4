import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import {
  getSQLiteEventStore,
  readMessagesBatch,
  sqliteConnection,
} from '@event-driven-io/emmett-sqlite';
import type { BenchEvent, BenchTarget, TargetSession } from '../lib/targets.js';

type EmmettEvent = { type: string; data: Record<string, unknown> };

/** Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`, on node-sqlite3), through its documented API, on a fresh file. */
export function emmettSqliteTarget(): BenchTarget {
  return {
    name: 'Emmett SQLite',
    backend: 'sqlite',
    kind: 'peer',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-emmett-'));
      const fileName = join(dir, 'emmett.db');
      const store = getSQLiteEventStore({ fileName, schema: { autoMigration: 'CreateOrUpdate' } });
      const asEmmett = (events: readonly BenchEvent[]) => events as unknown as EmmettEvent[];
      return Promise.resolve({
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
          const connection = sqliteConnection({ fileName });
          try {
            let count = 0;
            let after = 0n;
            for (;;) {
              const batch = await readMessagesBatch(connection, { after, batchSize: pageSize });
              count += batch.messages.length;
              if (!batch.areEventsLeft || batch.messages.length === 0) return count;
              after = batch.currentGlobalPosition;
            }
          } finally {
            connection.close();
          }
        },
        async fold(streamId, initial, evolve) {
          const result = await store.aggregateStream<typeof initial, EmmettEvent>(streamId, {
            initialState: () => initial,
            evolve: (state: typeof initial, event: EmmettEvent) => evolve(state, event),
          });
          return result.state;
        },
        async close() {
          // emmett-sqlite 0.38 opens a connection per call and has no close(); newer versions do.
          const closable = store as { close?: () => Promise<void> };
          if (typeof closable.close === 'function') await closable.close();
          rmSync(dir, { recursive: true, force: true });
        },
      } satisfies TargetSession);
    },
  };
}
