import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import {
  getSQLiteEventStore,
  readMessagesBatch,
  sqliteConnection,
  type SQLiteEventStore,
} from '@event-driven-io/emmett-sqlite';
import type { BenchEvent, BenchTarget, TargetSession } from '../lib/targets.js';

type EmmettEvent = { type: string; data: Record<string, unknown> };

/** How many times an append that failed with SQLITE_BUSY is tried again (its transaction was rolled back). */
const BUSY_RETRIES = 100;

/**
 * Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`, on node-sqlite3), through
 * its documented API, on a fresh file per session.
 *
 * What it needs to run every workload (0.38.5):
 * - One call at a time. For a file the store keeps one connection in a variable shared by
 *   every call, opened by the first call and closed by whichever call ends first, so
 *   concurrent calls fail with "Database is closed" (and share one transaction nesting
 *   counter). Several store instances on one file (a pool) do not help: their connections
 *   fail `BEGIN IMMEDIATE` at once with `SQLITE_BUSY` and, measured here, end in a
 *   livelock. So the session queues its calls: concurrent writers are served one by one.
 * - Every call opens a new connection and starts `PRAGMA journal_mode = WAL` on it without
 *   waiting for it; now and then that statement is still in progress when the append's
 *   `COMMIT` runs, which fails with `SQLITE_BUSY: cannot commit transaction - SQL
 *   statements in progress` and rolls the append back. SQLITE_BUSY is SQLite's "try again"
 *   answer, so the append is tried again after a short random back-off (at most
 *   {@link BUSY_RETRIES} times).
 *
 * It runs with node-sqlite3's defaults: WAL (set by Emmett), `synchronous` FULL, a 1 s busy
 * timeout; so it is compared with eventfold's FULL variant.
 */
export function emmettSqliteTarget(): BenchTarget {
  return {
    name: 'Emmett SQLite',
    backend: 'sqlite',
    kind: 'peer',
    variant: 'FULL',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-emmett-'));
      const fileName = join(dir, 'emmett.db');
      const store = getSQLiteEventStore({
        fileName,
        schema: { autoMigration: 'CreateOrUpdate' },
      });
      let queue: Promise<unknown> = Promise.resolve();
      const withStore = <T>(call: (store: SQLiteEventStore) => Promise<T>): Promise<T> => {
        const result = queue.then(() => call(store));
        queue = result.catch(() => undefined);
        return result;
      };
      const append = (
        streamId: string,
        events: readonly BenchEvent[],
        expected: bigint | typeof STREAM_DOES_NOT_EXIST,
      ) =>
        withStore(async (store) => {
          for (let attempt = 0; ; attempt++) {
            try {
              await store.appendToStream(streamId, events as unknown as EmmettEvent[], {
                expectedStreamVersion: expected,
              });
              return;
            } catch (error) {
              if (!isBusy(error) || attempt >= BUSY_RETRIES) throw error;
              // Back off (up to 32 ms, with jitter) so that the writers do not collide again at once.
              await sleep(Math.random() * 2 ** Math.min(attempt, 5));
            }
          }
        });
      return Promise.resolve({
        appendNew: (streamId, events) => append(streamId, events, STREAM_DOES_NOT_EXIST),
        appendAt: (streamId, version, events) => append(streamId, events, BigInt(version)),
        readStream: (streamId) =>
          withStore(async (store) => (await store.readStream(streamId)).events.length),
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
        fold: (streamId, initial, evolve) =>
          withStore(async (store) => {
            const result = await store.aggregateStream<typeof initial, EmmettEvent>(streamId, {
              initialState: () => initial,
              evolve: (state: typeof initial, event: EmmettEvent) => evolve(state, event),
            });
            return result.state;
          }),
        async close() {
          await queue;
          // emmett-sqlite 0.38 opens a connection per call and has no close(); newer versions do.
          const closable = store as { close?: () => Promise<void> };
          if (typeof closable.close === 'function') await closable.close();
          rmSync(dir, { recursive: true, force: true });
        },
      } satisfies TargetSession);
    },
  };
}

/**
 * SQLite's SQLITE_BUSY: the transaction was not committed; try again. When `BEGIN IMMEDIATE`
 * itself times out waiting for another connection's write lock, Emmett's rollback of the
 * transaction that never began fails and hides the SQLITE_BUSY ("cannot rollback - no
 * transaction is active"): nothing was written either.
 */
function isBusy(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === 'SQLITE_BUSY' ||
    (code === 'SQLITE_ERROR' &&
      error.message.includes('cannot rollback - no transaction is active'))
  );
}
