import assert from 'node:assert/strict';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { fromDecider } from '../../aggregates/from-decider.js';
import { loadAggregate } from '../../aggregates/load-aggregate.js';
import { defineEvent, payload, upcastFrom, type RecordedEvent } from '../../core/events.js';
import type { SerializationError, ValidationError } from '../../core/errors.js';
import type { EventStore } from '../../core/event-store.js';
import { EventRegistry } from '../../core/registry.js';
import { InMemorySubscriptionStorage } from '../../subscriptions/in-memory-subscription-storage.js';
import { subscribe } from '../../subscriptions/subscribe.js';
import { assertFeedLength, type CaseContext, rejectsWith } from './fixtures.js';

/** Version 1, as first released under the name `TodoCreated`. */
interface TaskV1 {
  title: string;
}
/** Version 2: a priority. */
interface TaskV2 {
  title: string;
  priority: number;
}
/** Version 3 (current): labels, and the type renamed to `TaskCreated`. */
interface TaskV3 {
  title: string;
  priority: number;
  labels: string[];
}

/** Accepts exactly version 3 data: the title, a numeric priority and a list of labels. */
const taskV3Schema: StandardSchemaV1<TaskV3, TaskV3> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate(value) {
      const v = value as Partial<TaskV3> | null;
      if (typeof v !== 'object' || v === null)
        return { issues: [{ message: 'expected an object' }] };
      if (typeof v.title !== 'string')
        return { issues: [{ message: 'expected a string', path: ['title'] }] };
      if (typeof v.priority !== 'number')
        return { issues: [{ message: 'expected a number', path: ['priority'] }] };
      if (!Array.isArray(v.labels) || v.labels.some((l) => typeof l !== 'string'))
        return { issues: [{ message: 'expected a list of strings', path: ['labels'] }] };
      return { value: { title: v.title, priority: v.priority, labels: [...v.labels] } };
    },
  },
};

const TodoCreatedV1 = defineEvent('TodoCreated', payload<TaskV1>());
const TaskCreatedV2 = defineEvent('TaskCreated', payload<TaskV2>(), {
  upcasters: upcastFrom<TaskV1>().to((v1) => ({ ...v1, priority: 0 })),
  renamedFrom: ['TodoCreated'],
});
const TaskCreated = defineEvent('TaskCreated', taskV3Schema, {
  version: 3,
  upcasters: upcastFrom<TaskV1>()
    .to((v1): TaskV2 => ({ ...v1, priority: 0 }))
    .to((v2): TaskV3 => ({ ...v2, labels: v2.priority > 1 ? ['urgent'] : [] })),
  renamedFrom: ['TodoCreated'],
});
const TaskCompleted = defineEvent('TaskCompleted');

/**
 * Writes the history every case reads: in `Task-1`, a `TodoCreated` of
 * version 1, a `TaskCreated` of version 2 and one of version 3, then a
 * `TaskCompleted`; each written through a registry holding the version of
 * its time (the registry is swapped in place, as a redeployed program would
 * hold another). Leaves the store's registry holding version 3.
 */
async function writeHistory(store: EventStore, registry: EventRegistry): Promise<void> {
  registry.register(TodoCreatedV1, TaskCompleted);
  await store.append('Task-1', [TodoCreatedV1({ title: 'one' }, { tags: ['board:b1'] })]);
  registry.unregister('TodoCreated');
  registry.register(TaskCreatedV2);
  await store.append('Task-1', [
    TaskCreatedV2({ title: 'two', priority: 2 }, { tags: ['board:b1'] }),
  ]);
  registry.unregister('TaskCreated');
  registry.register(TaskCreated);
  await store.append('Task-1', [
    TaskCreated({ title: 'three', priority: 1, labels: ['x'] }, { tags: ['board:b1'] }),
    TaskCompleted(),
  ]);
}

/** What every read of the history through the version 3 registry gives. */
const EXPECTED = [
  { type: 'TaskCreated', data: { title: 'one', priority: 0, labels: [] }, schemaVersion: 3 },
  {
    type: 'TaskCreated',
    data: { title: 'two', priority: 2, labels: ['urgent'] },
    schemaVersion: 3,
  },
  { type: 'TaskCreated', data: { title: 'three', priority: 1, labels: ['x'] }, schemaVersion: 3 },
  { type: 'TaskCompleted', data: {}, schemaVersion: undefined },
];

function shapes(events: readonly RecordedEvent[]) {
  return events.map((e) => ({ type: e.type, data: e.data, schemaVersion: e.schemaVersion }));
}

/** Event versions and upcasting: what is stored, and what every read path gives. */
export function upcastingCases({ describe, it, withStore }: CaseContext): void {
  describe('event versions and upcasting', () => {
    it('stores the current version with each event and reports it on read', async () => {
      const registry = new EventRegistry([TaskCreated]);
      await withStore(
        async (store) => {
          await store.append('Task-1', [
            TaskCreated({ title: 't', priority: 1, labels: [] }),
            { type: 'TaskCreated', data: { title: 'plain', priority: 2, labels: [] } },
            TaskCompleted(),
          ]);
          const { events } = await store.read('Task-1');
          assert.deepEqual(
            events.map((e) => e.schemaVersion),
            [3, 3, undefined],
          );
          assert.equal('schemaVersion' in (events[2] as object), false);
        },
        { registry },
      );
      // Without a registry, the creator's definition gives the version; events come back as stored.
      await withStore(async (store) => {
        await store.append('Task-2', [TaskCreated({ title: 't', priority: 1, labels: [] })]);
        await store.append('Task-2', [TodoCreatedV1({ title: 'old' })]);
        const { events } = await store.read('Task-2');
        assert.deepEqual(shapes(events), [
          { type: 'TaskCreated', data: { title: 't', priority: 1, labels: [] }, schemaVersion: 3 },
          { type: 'TodoCreated', data: { title: 'old' }, schemaVersion: undefined },
        ]);
      });
    });

    it('upcasts older versions and former names on every read path', () => {
      const registry = new EventRegistry();
      return withStore(
        async (store) => {
          await writeHistory(store, registry);
          const read = await store.read('Task-1');
          assert.deepEqual(shapes(read.events), EXPECTED);
          const backward = await store.read('Task-1', { direction: 'backward' });
          assert.deepEqual(shapes(backward.events), [...EXPECTED].reverse());
          const from2 = await store.read('Task-1', { from: 2, limit: 1 });
          assert.deepEqual(shapes(from2.events), EXPECTED.slice(1, 2));
          const feed: RecordedEvent[] = [];
          for await (const event of store.readAll()) feed.push(event);
          assert.deepEqual(shapes(feed), EXPECTED);
          const page = await store.readAllPage({ limit: 2 });
          assert.deepEqual(shapes(page.events), EXPECTED.slice(0, 2));
          const query = await store.readByQuery({ items: [{ tags: ['board:b1'] }] });
          assert.deepEqual(shapes(query.events), EXPECTED.slice(0, 3));
          // A filter on the current name also finds the events stored under a former one.
          const byType: RecordedEvent[] = [];
          for await (const event of store.readAll({ types: ['TaskCreated'] })) byType.push(event);
          assert.deepEqual(shapes(byType), EXPECTED.slice(0, 3));
          const typed = await store.readByQuery({ items: [{ types: ['TaskCreated'] }] });
          assert.deepEqual(shapes(typed.events), EXPECTED.slice(0, 3));
          assert.equal(await store.countEventsAfter(undefined, { types: ['TaskCreated'] }, 10), 3);
          // So does an append condition: the TodoCreated of version 1 is a match.
          await rejectsWith(
            store.append('Task-2', [TaskCompleted()], {
              condition: { failIfEventsMatch: { items: [{ types: ['TaskCreated'] }] } },
            }),
            'APPEND_CONDITION',
          );
          // Each event keeps its place: stream version, position and id are those stored.
          assert.deepEqual(
            feed.map((e) => e.version),
            [1, 2, 3, 4],
          );
        },
        { registry },
      );
    });

    it('gives subscription handlers and aggregates the upcast events', () => {
      const registry = new EventRegistry();
      return withStore(
        async (store) => {
          await writeHistory(store, registry);
          const seen: RecordedEvent[] = [];
          const sub = subscribe(store, {
            name: 'upcast-audit',
            storage: new InMemorySubscriptionStorage(),
            handler: (event) => {
              seen.push(event);
            },
          });
          try {
            await sub.caughtUp;
          } finally {
            await sub.stop();
          }
          assert.deepEqual(shapes(seen), EXPECTED);
          const created: RecordedEvent[] = [];
          const filtered = subscribe(store, {
            name: 'upcast-created',
            storage: new InMemorySubscriptionStorage(),
            types: ['TaskCreated'],
            handler: (event) => {
              created.push(event);
            },
          });
          try {
            await filtered.caughtUp;
          } finally {
            await filtered.stop();
          }
          assert.deepEqual(shapes(created), EXPECTED.slice(0, 3));

          const Task = fromDecider('Task', {
            initialState: { titles: [] as string[], labels: [] as string[], done: false },
            evolve: (state, event: RecordedEvent) => {
              if (event.type === 'TaskCompleted') return { ...state, done: true };
              const data = event.data as TaskV3;
              return {
                ...state,
                titles: [...state.titles, data.title],
                labels: [...state.labels, ...data.labels],
              };
            },
            decide: () => [],
          });
          const task = await loadAggregate(store, Task, '1');
          assert.deepEqual(task?.state, {
            titles: ['one', 'two', 'three'],
            labels: ['urgent', 'x'],
            done: true,
          });
        },
        { registry },
      );
    });

    it('refuses to append the old shape or a former name, writing nothing', () =>
      withStore(
        async (store) => {
          const old = await rejectsWith<ValidationError>(
            store.append('Task-1', [{ type: 'TaskCreated', data: { title: 'v1 shape' } }]),
            'VALIDATION',
          );
          assert.deepEqual(old.issues, [{ message: 'expected a number', path: ['priority'] }]);
          const renamed = await rejectsWith<ValidationError>(
            store.append('Task-1', [TodoCreatedV1({ title: 'old name' })]),
            'VALIDATION',
          );
          assert.match(renamed.message, /"TodoCreated" was renamed to "TaskCreated"/);
          // A creator of another version than the registry's is refused too.
          const stale = await rejectsWith<ValidationError>(
            store.append('Task-1', [TaskCreatedV2({ title: 'v2', priority: 1 })]),
            'VALIDATION',
          );
          assert.match(stale.message, /version 2 of "TaskCreated".*version 3/);
          await assertFeedLength(store, 0);
        },
        { registry: new EventRegistry([TaskCreated]) },
      ));

    it('fails clearly on an event stored by a newer version, on every read path', () => {
      const registry = new EventRegistry([TaskCreated]);
      return withStore(
        async (store) => {
          await store.append('Task-9', [TaskCreated({ title: 'new', priority: 1, labels: [] })]);
          registry.unregister('TaskCreated');
          registry.register(TaskCreatedV2);
          const reads: [string, () => Promise<unknown>][] = [
            ['read', () => store.read('Task-9')],
            ['readAllPage', () => store.readAllPage()],
            ['readByQuery', () => store.readByQuery({ items: [{ types: ['TaskCreated'] }] })],
          ];
          for (const [label, attempt] of reads) {
            const error = await rejectsWith<SerializationError>(attempt(), 'SERIALIZATION', label);
            assert.match(error.message, /"TaskCreated" at Task-9@1 has version 3/, label);
            assert.match(error.message, /version 2/, label);
            assert.equal(error.path, 'Task-9@1.schemaVersion', label);
          }
          // Without the registry's definition the event still reads as stored.
          registry.unregister('TaskCreated');
          const { events } = await store.read('Task-9');
          assert.deepEqual(shapes(events), [
            {
              type: 'TaskCreated',
              data: { title: 'new', priority: 1, labels: [] },
              schemaVersion: 3,
            },
          ]);
        },
        { registry },
      );
    });

    it('names the event when an upcaster throws', () => {
      const Broken = defineEvent('Broken', payload<{ n: number }>(), {
        upcasters: upcastFrom<{ n: number }>().to((): { n: number } => {
          throw new Error('no way back');
        }),
      });
      const registry = new EventRegistry();
      return withStore(
        async (store) => {
          await store.append('B-1', [{ type: 'Broken', data: { n: 1 } }]);
          registry.register(Broken);
          const error = await rejectsWith<SerializationError>(store.read('B-1'), 'SERIALIZATION');
          assert.match(error.message, /"Broken" at B-1@1 from version 1 to 2 failed: no way back/);
        },
        { registry },
      );
    });
  });
}
