import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineEvent,
  EventRegistry,
  InMemoryEventStore,
  payload,
  SerializationError,
  ValidationError,
  type EventOf,
  type Recorded,
} from '../../src/index.js';

const TaskCreated = defineEvent(
  'TaskCreated',
  z.object({ title: z.string().min(1), due: z.coerce.date().optional() }),
);
const TaskCompleted = defineEvent('TaskCompleted');
const TaskRenamed = defineEvent('TaskRenamed', payload<{ title: string }>());
type TaskEvent =
  EventOf<typeof TaskCreated> | EventOf<typeof TaskCompleted> | EventOf<typeof TaskRenamed>;

describe('defineEvent', () => {
  it('creates plain event objects', () => {
    expect(TaskCreated({ title: 'a' })).toEqual({ type: 'TaskCreated', data: { title: 'a' } });
    expect(TaskCompleted()).toEqual({ type: 'TaskCompleted', data: {} });
    const id = crypto.randomUUID();
    expect(TaskRenamed({ title: 'b' }, { id, metadata: { correlationId: 'c' } })).toEqual({
      type: 'TaskRenamed',
      data: { title: 'b' },
      id,
      metadata: { correlationId: 'c' },
    });
    expect(Object.getPrototypeOf(TaskCreated({ title: 'a' }))).toBe(Object.prototype);
    expect(TaskCreated.type).toBe('TaskCreated');
    expect(TaskCreated.is(TaskCreated({ title: 'a' }))).toBe(true);
    expect(TaskCreated.is(TaskCompleted())).toBe(false);
  });

  it('narrows the data type in a switch on the event type', () => {
    const describeEvent = (event: Recorded<TaskEvent>): string => {
      switch (event.type) {
        case 'TaskCreated':
          expectTypeOf(event.data).toEqualTypeOf<{ title: string; due?: Date | undefined }>();
          return `created ${event.data.title}`;
        case 'TaskRenamed':
          expectTypeOf(event.data).toEqualTypeOf<{ title: string }>();
          return `renamed ${event.data.title}`;
        case 'TaskCompleted':
          return 'completed';
      }
    };
    // The creator takes the schema's input: z.coerce.date() takes anything.
    expectTypeOf(TaskCreated).parameter(0).toEqualTypeOf<{ title: string; due?: unknown }>();
    expectTypeOf(TaskCreated({ title: 'x' }).type).toEqualTypeOf<'TaskCreated'>();
    expect(describeEvent({ type: 'TaskCompleted', data: {} } as Recorded<TaskEvent>)).toBe(
      'completed',
    );
  });

  it('rejects an empty type', () => {
    expect(() => defineEvent('')).toThrow(TypeError);
  });
});

describe('EventRegistry', () => {
  it('registers, lists, gets and unregisters definitions', () => {
    const registry = new EventRegistry([TaskCreated]);
    registry.register(TaskCompleted, TaskRenamed);
    expect(registry.list().map((d) => d.type)).toEqual([
      'TaskCreated',
      'TaskCompleted',
      'TaskRenamed',
    ]);
    expect(registry.get('TaskCreated')).toBe(TaskCreated);
    expect(registry.has('TaskCompleted')).toBe(true);
    expect(registry.unregister('TaskCompleted')).toBe(true);
    expect(registry.unregister('TaskCompleted')).toBe(false);
    expect(registry.has('TaskCompleted')).toBe(false);
    registry.register(TaskCreated); // the same definition again is fine
    expect(() => registry.register(defineEvent('TaskCreated'))).toThrow(ValidationError);
  });

  it('validates with zod (Standard Schema) before anything is stored, and revives on read', async () => {
    const store = new InMemoryEventStore({
      registry: new EventRegistry([TaskCreated, TaskCompleted, TaskRenamed]),
    });
    const error = await store
      .append('Task-1', [{ type: 'TaskCreated', data: { title: '' } }])
      .catch((e: unknown) => e);
    expect(ValidationError.is(error)).toBe(true);
    expect((error as ValidationError).issues[0]?.path).toEqual(['title']);
    expect(await store.getVersion('Task-1')).toBe(0);
    await store.append('Task-1', [
      TaskCreated({ title: 'Ship', due: new Date('2031-01-01T00:00:00Z') }),
    ]);
    const [event] = (await store.read<TaskEvent>('Task-1')).events;
    expect(event?.type).toBe('TaskCreated');
    if (event?.type === 'TaskCreated')
      expect(event.data.due).toEqual(new Date('2031-01-01T00:00:00Z'));
  });

  it('strict registries reject unknown types on read as a SerializationError', async () => {
    const store = new InMemoryEventStore();
    await store.append('x-1', [{ type: 'Legacy', data: {} }]);
    const strict = new EventRegistry([], { strict: true });
    expect(() => strict.revive('Legacy', {})).toThrow(SerializationError);
    expect(() => strict.validate('Legacy', {})).toThrow(ValidationError);
  });
});
