/**
 * Projections and subscriptions on a SQLite file: a task list kept in a table
 * of the same file, updated exactly once per event (the read-model change and
 * the checkpoint commit together), a notifier subscription (at-least-once)
 * whose failing handler is retried, parked and replayed, status for
 * operators, a rebuild from the start while a writer keeps appending, and
 * `await using` to stop everything at the end.
 *
 * Run: `npx tsx examples/projections.ts` (a file in a fresh temporary folder).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineEvent, payload, type EventOf } from '../src/index.js';
import {
  defineProjection,
  readSubscriptionStatuses,
  startProjection,
  subscribe,
} from '../src/subscriptions/index.js';
import {
  SqliteEventStore,
  SqliteSubscriptionStorage,
  type SqliteTransaction,
} from '../src/stores/sqlite/index.js';

// Events
const TaskCreated = defineEvent('TaskCreated', payload<{ title: string }>());
const TaskCompleted = defineEvent('TaskCompleted');
type TaskEvent = EventOf<typeof TaskCreated> | EventOf<typeof TaskCompleted>;

// 1. A projection: handlers per event type get the transaction. On SQLite that
//    is the store's better-sqlite3 connection inside BEGIN IMMEDIATE, typed
//    SqliteTransaction: a handler returning a promise would not compile.
const taskList = defineProjection<SqliteTransaction, TaskEvent>({
  name: 'task-list',
  handlers: {
    TaskCreated: (event, db) => {
      db.prepare('INSERT INTO task_list (id, title, done) VALUES (?, ?, 0)').run(
        event.streamId,
        event.data.title,
      );
    },
    TaskCompleted: (event, db) => {
      db.prepare('UPDATE task_list SET done = 1 WHERE id = ?').run(event.streamId);
    },
  },
  reset: (db) => {
    db.exec('DELETE FROM task_list');
  },
});

const dir = mkdtempSync(join(tmpdir(), 'eventfold-projections-'));
try {
  // Leaving this block stops the subscriptions, then closes the store (in reverse order).
  await using store = new SqliteEventStore(join(dir, 'events.db'));
  // Checkpoints, dead letters and leases live in the same file, as does the read model.
  const storage = new SqliteSubscriptionStorage(store);
  const { atomicReadModels, synchronousTransactions } = storage.capabilities;
  console.log(
    `Storage: atomic read models ${atomicReadModels}, synchronous ${synchronousTransactions}`,
  );
  store.database.exec(
    'CREATE TABLE IF NOT EXISTS task_list (id TEXT PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL)',
  );

  await store.append('Task-1', [TaskCreated({ title: 'Learn event stores' })]);
  await store.append('Task-2', [TaskCreated({ title: 'Write a projection' })]);

  await using projection = startProjection(store, taskList, { storage });
  await projection.caughtUp; // it has read the feed to its end
  console.log('Caught up; now live.');

  // 2. A subscription with a handler: at-least-once, retried with backoff, then parked.
  let mailServerUp = false;
  await using notifier = subscribe<TaskEvent>(store, {
    name: 'notifier',
    storage,
    types: ['TaskCompleted'],
    retry: { maxRetries: 2, initialDelayMs: 10 },
    handler: (event) => {
      if (!mailServerUp) throw new Error('mail server unreachable');
      console.log(`  mail: ${event.streamId} is done`);
    },
  });
  await notifier.caughtUp;

  const done = await store.append('Task-1', [TaskCompleted()]);
  // A deadline on the wait (not on the subscription): it rejects with a TimeoutError if missed.
  await projection.waitForPosition(done.position, { timeoutMs: 10_000 });
  await notifier.waitForPosition(done.position, { timeoutMs: 10_000 });
  console.log('Task list:');
  for (const row of store.database
    .prepare<[], { id: string; title: string; done: number }>('SELECT * FROM task_list ORDER BY id')
    .all()) {
    console.log(`  [${row.done === 1 ? 'x' : ' '}] ${row.id}: ${row.title}`);
  }

  // 3. The failed notification was parked; list it, fix the cause, replay it.
  const [parked] = await storage.deadLetters.list('notifier');
  console.log(`Parked: ${parked?.type} of ${parked?.streamId} after ${parked?.attempts} tries`);
  mailServerUp = true;
  const replay = await notifier.replayParked();
  console.log(`Replayed ${replay.replayed}, still failing ${replay.failed}`);

  // 4. Rebuild the read model from the start while a writer keeps appending.
  let writing = true;
  const writer = (async () => {
    for (let i = 3; writing; i++) {
      await store.append(`Task-${i}`, [TaskCreated({ title: `Task number ${i}` })]);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  await projection.rebuild();
  await new Promise((resolve) => setTimeout(resolve, 50));
  writing = false;
  await writer;
  const last = await store.append('Task-2', [TaskCompleted()]);
  await projection.waitForPosition(last.position);
  const count = store.database.prepare('SELECT count(*) FROM task_list').pluck().get() as number;
  const created = (await store.readAll({ types: ['TaskCreated'] }).toArray()).length;
  console.log(`Rebuilt: ${count} tasks in the read model, ${created} created in the store`);

  // 5. What an operator sees: each instance's status, and every subscription the storage knows.
  await notifier.waitForPosition(last.position);
  for (const s of [await projection.status(), await notifier.status()]) {
    console.log(`Status ${s.name}: ${s.state}, ${s.lag.events} events behind, ${s.parked} parked`);
  }
  const known = await readSubscriptionStatuses(store, storage);
  console.log(`Known: ${known.map((s) => `${s.name} (${s.state})`).join(', ')}`);
  // Leaving the block: each subscription finishes the event in hand, stores its checkpoint and
  // releases its lease, then the store closes.
} finally {
  rmSync(dir, { recursive: true, force: true });
}
