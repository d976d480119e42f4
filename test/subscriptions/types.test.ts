/**
 * Type tests, checked by `tsc` (npm run typecheck): synchronous transactions
 * are visible in the types, so a projection handler that returns a promise
 * for a SQLite storage does not compile. Each `@ts-expect-error` line fails
 * the type check if it ever compiles.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { describe, expectTypeOf, it } from 'vitest';
import type { EventStore } from '../../src/index.js';
import type { PostgresSubscriptionStorage } from '../../src/stores/postgres/index.js';
import type { SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import type { SqliteTransaction } from '../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import {
  defineProjection,
  resetProjection,
  startProjection,
  subscribe,
  type AnySubscriptionStorage,
  type HandlerResult,
  type InMemorySubscriptionStorage,
  type Projection,
  type ProjectionHandler,
  type StorageTransaction,
  type Subscription,
  type SubscriptionStorage,
  type TransactionOutcome,
  type TransactionResult,
} from '../../src/subscriptions/index.js';

declare const store: EventStore;
declare const sqlite: SqliteSubscriptionStorage;
declare const postgres: PostgresSubscriptionStorage;
declare const memory: InMemorySubscriptionStorage;

/** Some asynchronous work. */
const io = (): Promise<void> => Promise.resolve();

/** Calls that must (or must not) compile; never run. */
const compileOnly = (): void => {
  // SQLite: synchronous handlers and hooks compile, whether they return nothing or a RunResult.
  const tasks = defineProjection<SqliteTransaction>({
    name: 'tasks',
    handlers: {
      Created: (e, db) => db.prepare('INSERT INTO tasks VALUES (?)').run(e.streamId),
      Renamed: (e, db) => {
        db.prepare('UPDATE tasks SET n = n + 1 WHERE id = ?').run(e.streamId);
      },
    },
    reset: (db) => db.exec('DELETE FROM tasks'),
  });
  expectTypeOf(startProjection(store, tasks, { storage: sqlite })).toEqualTypeOf<
    Subscription<SqliteTransaction>
  >();
  void resetProjection(sqlite, tasks);

  // A handler returning a promise for a SQLite transaction does not compile…
  defineProjection<SqliteTransaction>({
    name: 'async-handler',
    handlers: {
      // @ts-expect-error SQLite handlers must be synchronous
      Created: async (e, db) => {
        await io();
        db.prepare('INSERT INTO tasks VALUES (?)').run(e.streamId);
      },
    },
  });
  // …nor an async reset hook…
  defineProjection<SqliteTransaction>({
    name: 'async-reset',
    handlers: { Created: () => undefined },
    // @ts-expect-error SQLite reset hooks must be synchronous
    reset: async (db) => {
      await io();
      db.exec('DELETE FROM tasks');
    },
  });
  // …nor a projection typed for the plain Database, whose handlers may return promises.
  const loose: Projection<BetterSqlite3.Database> = defineProjection<BetterSqlite3.Database>({
    name: 'loose',
    handlers: { Created: io },
  });
  // @ts-expect-error a projection that may return promises cannot run on a synchronous storage
  startProjection(store, loose, { storage: sqlite });
  // @ts-expect-error the same for a reset
  void resetProjection(sqlite, loose);
  // @ts-expect-error the storage's own transactions refuse async work
  void sqlite.transaction({ name: 'tasks' }, () => io().then(() => ({})));

  // PostgreSQL: handlers get a PoolClient and may be async.
  const pgTasks = defineProjection<PoolClient>({
    name: 'tasks',
    handlers: {
      Created: async (e, client) => {
        await client.query('INSERT INTO tasks VALUES ($1)', [e.streamId]);
      },
    },
    reset: async (client) => {
      await client.query('TRUNCATE tasks');
    },
  });
  expectTypeOf(startProjection(store, pgTasks, { storage: postgres })).toEqualTypeOf<
    Subscription<PoolClient>
  >();
  void postgres.transaction({ name: 'tasks' }, () => io().then(() => ({})));
  // @ts-expect-error a projection's Tx must be its storage's
  startProjection(store, pgTasks, { storage: sqlite });
  // @ts-expect-error the other way round too
  startProjection(store, tasks, { storage: postgres });

  // Memory: undefined, async allowed.
  const memTasks = defineProjection({
    name: 'tasks',
    handlers: { Created: io },
  });
  startProjection(store, memTasks, { storage: memory });

  // A subscription with a handler takes any storage: it never hands out the transaction.
  for (const storage of [sqlite, postgres, memory]) {
    subscribe<{ type: 'Created'; data: { n: number } }>(store, {
      name: 'any',
      storage,
      handler: async (e) => {
        await io();
        console.log(e.data.n);
      },
    });
  }
};

describe('subscription types', () => {
  it('mark SQLite transactions synchronous and leave the others asynchronous', () => {
    expectTypeOf<
      StorageTransaction<SqliteSubscriptionStorage>
    >().toEqualTypeOf<SqliteTransaction>();
    expectTypeOf<StorageTransaction<PostgresSubscriptionStorage>>().toEqualTypeOf<PoolClient>();
    expectTypeOf<StorageTransaction<InMemorySubscriptionStorage>>().toEqualTypeOf<undefined>();
    expectTypeOf<
      SqliteSubscriptionStorage['capabilities']['synchronousTransactions']
    >().toEqualTypeOf<true>();
    expectTypeOf<
      PostgresSubscriptionStorage['capabilities']['synchronousTransactions']
    >().toEqualTypeOf<false>();
    expectTypeOf<
      InMemorySubscriptionStorage['capabilities']['synchronousTransactions']
    >().toEqualTypeOf<false>();
  });

  it('refuse promises from synchronous work, and accept them elsewhere', () => {
    expectTypeOf<Promise<void>>().not.toExtend<HandlerResult<SqliteTransaction>>();
    expectTypeOf<BetterSqlite3.RunResult>().toExtend<HandlerResult<SqliteTransaction>>();
    expectTypeOf<Promise<void>>().toExtend<HandlerResult<PoolClient>>();
    expectTypeOf<Promise<TransactionOutcome>>().not.toExtend<
      TransactionResult<SqliteTransaction, TransactionOutcome>
    >();
    expectTypeOf<Promise<TransactionOutcome>>().toExtend<
      TransactionResult<PoolClient, TransactionOutcome>
    >();
    expectTypeOf<() => Promise<void>>().not.toExtend<ProjectionHandler<SqliteTransaction>>();
  });

  it('let every storage be used where any storage fits, but keep a Tx to its own storage', () => {
    expectTypeOf<SqliteSubscriptionStorage>().toExtend<AnySubscriptionStorage>();
    expectTypeOf<PostgresSubscriptionStorage>().toExtend<AnySubscriptionStorage>();
    expectTypeOf<InMemorySubscriptionStorage>().toExtend<AnySubscriptionStorage>();
    expectTypeOf<SqliteSubscriptionStorage>().not.toExtend<
      SubscriptionStorage<BetterSqlite3.Database>
    >();
    expectTypeOf<SqliteSubscriptionStorage>().not.toExtend<SubscriptionStorage<PoolClient>>();
    expectTypeOf(compileOnly).toEqualTypeOf<() => void>();
  });
});
