/**
 * Issue 12, point 3: handler return types, `types` checked against the event
 * union, and the type `subscribe` returns. The `@ts-expect-error` lines fail
 * `npm run typecheck` if they ever compile; the runtime tests run on memory.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  defineEvent,
  InMemoryEventStore,
  payload,
  type EventOf,
  type EventStore,
  type NewEvent,
  type Recorded,
  type RecordedEvent,
} from '../../src/index.js';
import type { SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import type { SqliteTransaction } from '../../src/stores/sqlite/subscriptions/sqlite-subscription-storage.js';
import {
  defineProjection,
  InMemorySubscriptionStorage,
  resetProjection,
  startProjection,
  subscribe,
  type GroupSubscription,
  type Projection,
  type Subscription,
} from '../../src/subscriptions/index.js';

const OrderPlaced = defineEvent('OrderPlaced', payload<{ orderId: string }>());
const OrderPaid = defineEvent('OrderPaid', payload<{ orderId: string }>());
type OrderEvent = EventOf<typeof OrderPlaced> | EventOf<typeof OrderPaid>;
type TaskEvent =
  NewEvent<'TaskCreated', { title: string }> | NewEvent<'TaskCompleted', Record<string, never>>;

declare const store: EventStore;
declare const sqlite: SqliteSubscriptionStorage;

/** Calls that must (or must not) compile; never run. */
const compileOnly = (): void => {
  // A handler may return anything: push returns a number.
  const seen: Recorded<OrderEvent>[] = [];
  subscribe<OrderEvent>(store, { name: 'push', handler: (e) => seen.push(e) });
  subscribe(store, { name: 'value', handler: () => 'done' });
  subscribe(store, { name: 'promise', handler: () => Promise.resolve(42) });

  // `types` is checked against the event union…
  subscribe<OrderEvent>(store, { name: 'typed', types: ['OrderPaid'], handler: () => undefined });
  // @ts-expect-error 'Payed' is not a type of OrderEvent
  subscribe<OrderEvent>(store, { name: 'typo', types: ['Payed'], handler: () => undefined });
  // …and is any string without one.
  subscribe(store, { name: 'any', types: ['Payed'], handler: () => undefined });

  // subscribe's return type is what `Subscription` means without a type argument.
  const running: Subscription = subscribe(store, { name: 'a', handler: () => undefined });
  void running.stop();

  // SQLite projections: every path a handler or a reset hook reaches it refuses promises.
  const literal: Projection<SqliteTransaction> = {
    name: 'literal',
    // @ts-expect-error a handler for a synchronous transaction must not return a promise
    handlers: { X: () => Promise.resolve(undefined) },
  };
  expectTypeOf(literal).toEqualTypeOf<Projection<SqliteTransaction>>();
  startProjection(
    store,
    // @ts-expect-error the same for a projection literal given to startProjection (no overload fits)
    { name: 'inline', handlers: { X: () => Promise.resolve(undefined) } },
    { storage: sqlite },
  );
  void resetProjection(sqlite, {
    name: 'inline-reset',
    handlers: { X: () => undefined },
    // @ts-expect-error and for a reset hook
    reset: () => Promise.resolve(undefined),
  });
  // better-sqlite3's RunResult, as in the docs, is fine.
  defineProjection<SqliteTransaction, OrderEvent>({
    name: 'orders',
    handlers: {
      OrderPlaced: (e, db): BetterSqlite3.RunResult =>
        db.prepare('INSERT INTO orders (id) VALUES (?)').run(e.data.orderId),
    },
    reset: (db) => db.exec('DELETE FROM orders'),
  });
  // The TSDoc examples of subscribe and defineProjection, as written there.
  {
    const shutdown = new AbortController();
    const sent: string[] = [];
    const sendConfirmation = (orderId: string): Promise<number> =>
      Promise.resolve(sent.push(orderId));
    const mailer = subscribe<OrderEvent>(store, {
      name: 'mailer',
      storage: sqlite,
      types: ['OrderPlaced'],
      handler: async (event) => sendConfirmation(event.data.orderId),
      signal: shutdown.signal, // aborting stops it too
    });
    void mailer.caughtUp;
    const taskList = defineProjection<SqliteTransaction, TaskEvent>({
      name: 'task-list',
      handlers: {
        TaskCreated: (e, db) =>
          db.prepare('INSERT INTO tasks (id, title) VALUES (?, ?)').run(e.streamId, e.data.title),
        TaskCompleted: (e, db) =>
          db.prepare('UPDATE tasks SET done = 1 WHERE id = ?').run(e.streamId),
      },
      reset: (db) => db.exec('DELETE FROM tasks'),
    });
    expectTypeOf(taskList).toEqualTypeOf<Projection<SqliteTransaction>>();
  }
  // @ts-expect-error handlers are keyed by the union's types
  defineProjection<SqliteTransaction, OrderEvent>({ name: 'o', handlers: { Payed: () => 1 } });
};

describe('subscription handler types (issue 12)', () => {
  it('subscribe returns the Subscription type its default names', () => {
    // Without a rebalancing group (which gives a GroupSubscription), a Subscription.
    expectTypeOf(subscribe<OrderEvent>).returns.toEqualTypeOf<Subscription | GroupSubscription>();
    expectTypeOf<ReturnType<typeof subscribe<OrderEvent>>>().toEqualTypeOf<Subscription>();
    expectTypeOf(compileOnly).toEqualTypeOf<() => void>();
  });

  it('runs handlers that return values, and awaits the ones that return promises', async () => {
    const events = new InMemoryEventStore();
    await events.append('Order-1', [OrderPlaced({ orderId: '1' }), OrderPaid({ orderId: '1' })]);
    const seen: RecordedEvent[] = [];
    const pushing = subscribe(events, {
      name: 'push',
      storage: new InMemorySubscriptionStorage(),
      handler: (e) => seen.push(e),
    });
    await pushing.caughtUp;
    await pushing.stop();
    expect(seen.map((e) => e.type)).toEqual(['OrderPlaced', 'OrderPaid']);

    const order: string[] = [];
    const awaiting = subscribe<OrderEvent>(events, {
      name: 'await',
      types: ['OrderPaid'],
      handler: async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(e.type);
        return order.length;
      },
    });
    await awaiting.caughtUp;
    expect(order).toEqual(['OrderPaid']);
    await awaiting.stop();
  });
});
