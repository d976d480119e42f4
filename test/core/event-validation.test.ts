/**
 * Issue 12, points 1 and 2: an event made by a creator whose definition has a
 * real schema is validated at append with or without a registry, the data
 * stored is what was passed (the schema's input), and reads through a
 * registry give the schema's output.
 */
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineEvent,
  EventRegistry,
  InMemoryEventStore,
  payload,
  ValidationError,
  type EventInputOf,
  type EventOf,
  type NewEvent,
  type Recorded,
} from '../../src/index.js';
import { rejection } from '../support/rejection.js';

const ItemAdded = defineEvent(
  'ItemAdded',
  z.object({ sku: z.string(), quantity: z.number().int().positive() }),
);
const MeetingScheduled = defineEvent(
  'MeetingScheduled',
  z.object({ at: z.iso.datetime().transform((s) => new Date(s)) }),
);

/** A schema that counts its calls, so double validation shows. */
function countingSchema(): StandardSchemaV1<unknown, { n: number }> & { calls: number } {
  const schema = {
    calls: 0,
    '~standard': {
      version: 1 as const,
      vendor: 'test',
      validate: (value: unknown) => {
        schema.calls += 1;
        return typeof (value as { n?: unknown }).n === 'number'
          ? { value: value as { n: number } }
          : { issues: [{ message: 'expected a number', path: ['n'] }] };
      },
    },
  };
  return schema;
}

describe('creators validate at append without a registry', () => {
  it('refuses data its schema refuses, naming the type and path, and writes nothing', async () => {
    const store = new InMemoryEventStore();
    const error = await rejection(
      store.append('Cart-1', [
        ItemAdded({ sku: 'a', quantity: 1 }),
        ItemAdded({ sku: 'b', quantity: 1.5 }),
      ]),
    );
    expect(ValidationError.is(error)).toBe(true);
    const validation = error as ValidationError;
    expect(validation.message).toMatch(/^Invalid data for event "ItemAdded": quantity: /);
    expect(validation.issues.map((i) => i.path)).toEqual([['quantity']]);
    expect(await store.getVersion('Cart-1')).toBe(0);
    await store.append('Cart-1', [ItemAdded({ sku: 'a', quantity: 2 })]);
    expect((await store.read('Cart-1')).events[0]?.data).toEqual({ sku: 'a', quantity: 2 });
  });

  it('awaits an asynchronous schema', async () => {
    const Paid = defineEvent('Paid', {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value: unknown) =>
          Promise.resolve(
            (value as { amount: number }).amount > 0
              ? { value: value as { amount: number } }
              : { issues: [{ message: 'must be positive', path: ['amount'] }] },
          ),
      },
    } satisfies StandardSchemaV1<{ amount: number }>);
    const store = new InMemoryEventStore();
    const error = await rejection(store.append('Pay-1', [Paid({ amount: -1 })]));
    expect((error as ValidationError).issues).toEqual([
      { message: 'must be positive', path: ['amount'] },
    ]);
    expect(await store.getVersion('Pay-1')).toBe(0);
    expect((await store.append('Pay-1', [Paid({ amount: 1 })])).version).toBe(1);
  });

  it('leaves events without a schema, with payload<T>(), and plain objects unchecked', async () => {
    const Noted = defineEvent('Noted', payload<{ text: string }>());
    const Done = defineEvent('Done');
    const store = new InMemoryEventStore();
    await store.append('x-1', [
      Noted({ text: 3 as unknown as string }),
      Done(),
      { type: 'ItemAdded', data: { quantity: 1.5 } },
    ]);
    expect((await store.read('x-1')).events.map((e) => e.data)).toEqual([
      { text: 3 },
      {},
      { quantity: 1.5 },
    ]);
  });

  it('keeps the event a plain object: JSON, spread and equality ignore the definition', () => {
    const event = ItemAdded({ sku: 'a', quantity: 1 });
    expect(Object.keys(event)).toEqual(['type', 'data']);
    expect(JSON.stringify(event)).toBe('{"type":"ItemAdded","data":{"sku":"a","quantity":1}}');
    expect(event).toStrictEqual({ type: 'ItemAdded', data: { sku: 'a', quantity: 1 } });
    expect(Object.getOwnPropertySymbols({ ...event })).toEqual([]);
  });

  it('validates once when the store registry validates that type too', async () => {
    const schema = countingSchema();
    const Counted = defineEvent('Counted', schema);
    const withRegistry = new InMemoryEventStore({ registry: new EventRegistry([Counted]) });
    await withRegistry.append('c-1', [Counted({ n: 1 })]);
    expect(schema.calls).toBe(1);
    const without = new InMemoryEventStore();
    await without.append('c-1', [Counted({ n: 1 })]);
    expect(schema.calls).toBe(2);
    // A registry that knows the type only by payload<T>() does not hide the creator's schema.
    const loose = new InMemoryEventStore({
      registry: new EventRegistry([defineEvent('Counted', payload<{ n: number }>())]),
    });
    const error = await rejection(loose.append('c-1', [Counted({ n: 'x' as unknown as number })]));
    expect(ValidationError.is(error)).toBe(true);
    expect(schema.calls).toBe(3);
  });
});

describe('transforming schemas (creators take the input, reads give the output)', () => {
  it('appends through its own creator, stores the input and revives the output', async () => {
    const registry = new EventRegistry([MeetingScheduled]);
    const store = new InMemoryEventStore({ registry });
    await store.append('Meeting-1', [MeetingScheduled({ at: '2031-01-02T03:04:05.000Z' })]);
    const [event] = (await store.read<EventOf<typeof MeetingScheduled>>('Meeting-1')).events;
    expect(event?.data.at).toBeInstanceOf(Date);
    expect(event?.data.at.toISOString()).toBe('2031-01-02T03:04:05.000Z');
    // Stored as given: a store without the registry reads the input back.
    const raw = new InMemoryEventStore();
    await raw.append('Meeting-1', [MeetingScheduled({ at: '2031-01-02T03:04:05.000Z' })]);
    expect((await raw.read('Meeting-1')).events[0]?.data).toEqual({
      at: '2031-01-02T03:04:05.000Z',
    });
    // The same holds when the registry validates on append.
    const error = await rejection(store.append('Meeting-2', [MeetingScheduled({ at: 'soon' })]));
    expect((error as ValidationError).issues[0]?.path).toEqual(['at']);
  });

  it('stores the input even when the registry validates, so reading revives it again', async () => {
    const PriceSet = defineEvent(
      'PriceSet',
      z.object({ cents: z.string().transform((s) => Number.parseInt(s, 10)) }),
    );
    const registry = new EventRegistry([PriceSet]);
    const store = new InMemoryEventStore({ registry });
    await store.append('Price-1', [PriceSet({ cents: '1250' })]);
    const [event] = (await store.read<EventOf<typeof PriceSet>>('Price-1')).events;
    expect(event?.data).toEqual({ cents: 1250 });
    const feed = await store.readAll<EventOf<typeof PriceSet>>().toArray();
    expect(feed[0]?.data.cents).toBe(1250);
  });

  it('types the creator with the input and reads with the output', () => {
    expectTypeOf(MeetingScheduled).parameter(0).toEqualTypeOf<{ at: string }>();
    expectTypeOf(MeetingScheduled({ at: 'x' })).toEqualTypeOf<
      NewEvent<'MeetingScheduled', { at: string }>
    >();
    expectTypeOf<EventInputOf<typeof MeetingScheduled>>().toEqualTypeOf<
      NewEvent<'MeetingScheduled', { at: string }>
    >();
    expectTypeOf<EventOf<typeof MeetingScheduled>>().toEqualTypeOf<
      NewEvent<'MeetingScheduled', { at: Date }>
    >();
    expectTypeOf<Recorded<EventOf<typeof MeetingScheduled>>['data']>().toEqualTypeOf<{
      at: Date;
    }>();
    expectTypeOf(MeetingScheduled.schema).toEqualTypeOf<
      StandardSchemaV1<{ at: string }, { at: Date }> | undefined
    >();
    // @ts-expect-error the creator takes the input: a Date is not an ISO string
    MeetingScheduled({ at: new Date() });
    // Without a transform, input and output agree.
    expectTypeOf<EventInputOf<typeof ItemAdded>>().toEqualTypeOf<EventOf<typeof ItemAdded>>();
  });
});
