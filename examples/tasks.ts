/**
 * The complete example of eventsource's tutorial ("Event Stores - Persisting Events"),
 * in eventfold: append, read back, a provoked optimistic-lock conflict, read all.
 *
 * Run: `npm start` (or `npx tsx examples/tasks.ts [store-url]`). By default the events go to
 * the SQLite file `.eventfold/tasks.db`, which keeps them across runs; pass `memory:` or a
 * `postgresql://…` URL to use another store.
 */
import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  createEventStore,
  defineEvent,
  EventRegistry,
  ExpectedVersion,
  OptimisticLockError,
  payload,
  type EventOf,
} from '../src/index.js';

export const TaskCreated = defineEvent('TaskCreated', payload<{ title: string }>());
export const TaskCompleted = defineEvent('TaskCompleted');
export type TaskEvent = EventOf<typeof TaskCreated> | EventOf<typeof TaskCompleted>;

/** The default store of the demo: a SQLite file (the embedded default), created on first run. */
export const DEFAULT_URL = 'sqlite://.eventfold/tasks.db';

/** Runs the tutorial against the store at `url`, printing through `print`. */
export async function main(
  url = DEFAULT_URL,
  print: (line: string) => void = console.log,
): Promise<void> {
  if (url === DEFAULT_URL) mkdirSync('.eventfold', { recursive: true });
  const store = await createEventStore(url, {
    registry: new EventRegistry([TaskCreated, TaskCompleted]),
  });
  try {
    const taskId = `Task-${crypto.randomUUID()}`;
    print(`Store: ${url}`);

    // Append events
    await store.append(taskId, [TaskCreated({ title: 'Learn event stores' })], {
      expectedVersion: ExpectedVersion.NoStream,
    });
    print('Appended TaskCreated');

    // Read back
    let stream = await store.read<TaskEvent>(taskId);
    print(`\nVersion: ${stream.version}`);
    print(`Events: ${stream.events.length}`);

    // Append another
    await store.append(taskId, [TaskCompleted()], { expectedVersion: 1 });
    print('\nAppended TaskCompleted');

    // Read again
    stream = await store.read<TaskEvent>(taskId);
    print(`Version: ${stream.version}`);
    for (const event of stream.events) {
      print(
        `  - ${event.type} (v${event.version})${event.type === 'TaskCreated' ? `: ${event.data.title}` : ''}`,
      );
    }

    // Demonstrate optimistic locking
    print('\n=== Optimistic Locking Demo ===');
    try {
      await store.append(taskId, [TaskCompleted()], { expectedVersion: 1 });
    } catch (error) {
      if (!OptimisticLockError.is(error)) throw error;
      print('Conflict detected!');
      print(`  Expected: v${String(error.expectedVersion)}`);
      print(`  Actual: v${error.actualVersion}`);
    }

    // Read all events
    print('\n=== All Events ===');
    const all = await store.readAll().toArray();
    print(
      `Total events: ${all.length}${url === DEFAULT_URL ? ' (in the file, across every run so far)' : ''}`,
    );
    for (const event of all.slice(-4)) print(`  ${event.streamId}: ${event.type}`);
  } finally {
    await store.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2]);
}
