import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  defineEvent,
  EventRegistry,
  InMemoryEventStore,
  InvalidOptionError,
  payload,
  SerializationError,
  upcastFrom,
  ValidationError,
  type EventOf,
  type Upcasters,
} from '../../src/index.js';
import { toRecordedEvents, type StoredEventRow } from '../../src/core/recorded.js';
import { sequencePosition } from '../../src/core/position.js';

interface V1 {
  name: string;
}
interface V2 {
  title: string;
}
interface V3 {
  title: string;
  due: string | null;
}

/** Version 3 stores `due` as an ISO string (or null) and reads it back as a Date. */
const v3Schema = z.object({
  title: z.string(),
  due: z
    .string()
    .nullable()
    .transform((s) => (s === null ? null : new Date(s))),
});

const Scheduled = defineEvent('Scheduled', v3Schema, {
  upcasters: upcastFrom<V1>()
    .to((v1): V2 => ({ title: v1.name }))
    .to((v2): V3 => ({ ...v2, due: null })),
  renamedFrom: ['Planned', 'Booked'],
});

function row(type: string, data: unknown, schemaVersion?: number | null): StoredEventRow {
  return {
    streamId: 'S-1',
    version: 1,
    position: sequencePosition(1),
    id: '0190f000-0000-7000-8000-000000000001',
    type,
    data: JSON.stringify(data),
    metadata: null,
    recordedAt: new Date(0),
    schemaVersion,
  };
}

describe('upcasters: types', () => {
  it('types each step by the previous version and the chain by its last', () => {
    const chain = upcastFrom<V1>().to((v1) => {
      expectTypeOf(v1).toEqualTypeOf<V1>();
      return { title: v1.name };
    });
    expectTypeOf(chain).toEqualTypeOf<Upcasters<{ title: string }>>();
    chain.to((v2) => {
      expectTypeOf(v2).toEqualTypeOf<{ title: string }>();
      return v2;
    });
    // Reads give the current schema's output; the creator takes its input.
    expectTypeOf<EventOf<typeof Scheduled>['data']>().toEqualTypeOf<{
      title: string;
      due: Date | null;
    }>();
    expectTypeOf(Scheduled).parameter(0).toEqualTypeOf<{ title: string; due: string | null }>();
  });

  it('refuses, at compile time, a chain that does not end at the current data type', () => {
    const wrongEnd = upcastFrom<V1>().to((v1): V2 => ({ title: v1.name }));
    // @ts-expect-error: the chain ends at V2, the current (stored) data type is V3
    defineEvent('Scheduled', v3Schema, { upcasters: wrongEnd });
    defineEvent('Scheduled', v3Schema, {
      // @ts-expect-error: the chain must end at the schema's input (due: string | null), not its output (Date)
      upcasters: upcastFrom<V1>().to((v1) => ({ title: v1.name, due: new Date(0) })),
    });
    defineEvent('Noted', payload<{ text: string }>(), {
      // @ts-expect-error: a step's input is the previous version's data (V1 has no `title`)
      upcasters: upcastFrom<V1>().to((v1) => ({ text: v1.title as string })),
    });
    expect(wrongEnd.steps).toHaveLength(1);
  });
});

describe('upcasters: definitions', () => {
  it('derives the version from the steps and keeps the former names', () => {
    expect(Scheduled.version).toBe(3);
    expect(Scheduled.upcasters).toHaveLength(2);
    expect(Scheduled.renamedFrom).toEqual(['Planned', 'Booked']);
    const plain = defineEvent('Plain');
    expect([plain.version, plain.upcasters, plain.renamedFrom]).toEqual([1, [], []]);
    // The creator links its definition only when it has something to say (a schema or a version).
    expect(Object.getOwnPropertySymbols(plain())).toEqual([]);
  });

  it('checks the options with InvalidOptionError', () => {
    const chain = upcastFrom<V1>().to((v1) => ({ name: v1.name }));
    const cases: [string, () => unknown][] = [
      ['options.version', () => defineEvent('X', payload<V1>(), { upcasters: chain, version: 3 })],
      ['options.version', () => defineEvent('X', undefined, { version: 2 })],
      ['options.renamedFrom', () => defineEvent('X', undefined, { renamedFrom: ['X'] })],
      ['options.renamedFrom', () => defineEvent('X', undefined, { renamedFrom: [''] })],
      [
        'options.upcasters',
        () => defineEvent('X', undefined, { upcasters: { steps: [1] } as never }),
      ],
      ['options', () => defineEvent('X', undefined, 'v2' as never)],
      ['upcaster', () => upcastFrom<V1>().to('no' as never)],
    ];
    for (const [option, attempt] of cases) {
      const error = (() => {
        try {
          attempt();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(InvalidOptionError.is(error), option).toBe(true);
      expect((error as InvalidOptionError).option).toBe(option);
    }
    expect(
      defineEvent('X', payload<V2>(), {
        upcasters: chain.to((v) => ({ title: v.name })),
        version: 3,
      }).version,
    ).toBe(3);
  });
});

describe('upcasters: registry', () => {
  it('refuses former names taken by another definition, and frees them on unregister', () => {
    const registry = new EventRegistry([Scheduled]);
    expect(() => registry.register(defineEvent('Planned'))).toThrow(ValidationError);
    expect(() =>
      registry.register(defineEvent('Other', undefined, { renamedFrom: ['Booked'] })),
    ).toThrow(/former name "Booked"/);
    expect(() =>
      registry.register(defineEvent('Other', undefined, { renamedFrom: ['Scheduled'] })),
    ).toThrow(/former name "Scheduled"/);
    expect(registry.resolve('Planned')).toBe(Scheduled);
    expect(registry.get('Planned')).toBeUndefined();
    expect(registry.storedNamesOf('Scheduled')).toEqual(['Scheduled', 'Planned', 'Booked']);
    expect(registry.unregister('Scheduled')).toBe(true);
    expect(registry.resolve('Planned')).toBeUndefined();
    expect(registry.hasFormerNames).toBe(false);
    registry.register(defineEvent('Planned'));
    expect(() => registry.register(Scheduled)).toThrow(/former name "Planned"/);
  });

  it('refuses a hand-made definition whose version does not match its upcasters', () => {
    expect(
      () => new EventRegistry([{ type: 'T', schema: undefined, version: 2, upcasters: [] }]),
    ).toThrow(/version 2 but 0 upcaster/);
  });

  it('needs to read through only when something is versioned, renamed or validated', () => {
    expect(new EventRegistry([defineEvent('A'), defineEvent('B', payload<V1>())]).needsRevive).toBe(
      false,
    );
    const renamed = defineEvent('A', undefined, { renamedFrom: ['Z'] });
    expect(new EventRegistry([renamed]).needsRevive).toBe(true);
    const registry = new EventRegistry([defineEvent('A')]);
    registry.register(Scheduled);
    expect(registry.needsRevive).toBe(true);
    registry.unregister('Scheduled');
    expect(registry.needsRevive).toBe(false);
  });

  it('upcasts every stored version and former name, then revives through the schema', () => {
    const registry = new EventRegistry([Scheduled]);
    const events = toRecordedEvents(
      [
        row('Planned', { name: 'one' }),
        row('Booked', { name: 'two' }, 1),
        row('Scheduled', { title: 'three' }, 2),
        row('Scheduled', { title: 'four', due: '2030-01-02T00:00:00.000Z' }, 3),
        row('Unknown', { x: 1 }, 7),
      ],
      registry,
    );
    expect(Array.isArray(events)).toBe(true);
    expect(
      (events as Exclude<typeof events, Promise<unknown>>).map((e) => [
        e.type,
        e.data,
        e.schemaVersion,
      ]),
    ).toEqual([
      ['Scheduled', { title: 'one', due: null }, 3],
      ['Scheduled', { title: 'two', due: null }, 3],
      ['Scheduled', { title: 'three', due: null }, 3],
      ['Scheduled', { title: 'four', due: new Date('2030-01-02T00:00:00.000Z') }, 3],
      ['Unknown', { x: 1 }, 7],
    ]);
    // Without a registry: as stored.
    const raw = toRecordedEvents([row('Planned', { name: 'one' }, 2)], undefined);
    expect((raw as Exclude<typeof raw, Promise<unknown>>)[0]).toMatchObject({
      type: 'Planned',
      data: { name: 'one' },
      schemaVersion: 2,
    });
  });

  it('revives only through a registry of an older copy of eventfold (no upcast)', () => {
    const older = {
      needsRevive: true,
      revive: (type: string, data: unknown) => ({ type, revived: data }),
    } as unknown as EventRegistry;
    const read = toRecordedEvents([row('Planned', { name: 'one' }, 2)], older);
    expect((read as Exclude<typeof read, Promise<unknown>>)[0]).toMatchObject({
      type: 'Planned',
      data: { type: 'Planned', revived: { name: 'one' } },
      schemaVersion: 2,
    });
  });

  it('upcasts, then revives through an asynchronous schema', async () => {
    const Priced = defineEvent(
      'Priced',
      {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (value: unknown) =>
            Promise.resolve({ value: { cents: (value as { cents: number }).cents } }),
        },
      },
      { upcasters: upcastFrom<{ euros: number }>().to((v1) => ({ cents: v1.euros * 100 })) },
    );
    const read = toRecordedEvents(
      [row('Priced', { euros: 2 }), row('Priced', { cents: 5 }, 2)],
      new EventRegistry([Priced]),
    );
    expect(read).toBeInstanceOf(Promise);
    expect((await read).map((e) => [e.data, e.schemaVersion])).toEqual([
      [{ cents: 200 }, 2],
      [{ cents: 5 }, 2],
    ]);
  });

  it('fails with a SerializationError for a newer version, an async or a throwing upcaster', () => {
    const registry = new EventRegistry([Scheduled]);
    expect(() => toRecordedEvents([row('Scheduled', { title: 'x' }, 4)], registry)).toThrow(
      SerializationError,
    );
    const Async = defineEvent('Async', payload<V2>(), {
      upcasters: upcastFrom<V1>().to((v1) => Promise.resolve({ title: v1.name }) as never),
    });
    registry.register(Async);
    expect(() => toRecordedEvents([row('Async', { name: 'x' })], registry)).toThrow(
      /returned a promise: upcasters must be synchronous/,
    );
    expect(() => toRecordedEvents([row('Scheduled', { title: 'x' }, 0)], registry)).toThrow(
      /has an invalid version: 0/,
    );
    const strict = new EventRegistry([Scheduled], { strict: true });
    expect(() => toRecordedEvents([row('Unknown', {})], strict)).toThrow(/unknown type "Unknown"/);
  });
});

describe('upcasters: appends', () => {
  it('stores the version of the registry or the creator, and validates the current shape only', async () => {
    await using store = new InMemoryEventStore({ registry: new EventRegistry([Scheduled]) });
    await store.append('S-1', [
      { type: 'Scheduled', data: { title: 'a', due: null } },
      Scheduled({ title: 'b', due: '2030-01-01T00:00:00.000Z' }),
    ]);
    const { events } = await store.read('S-1');
    expect(events.map((e) => e.schemaVersion)).toEqual([3, 3]);
    await expect(
      store.append('S-1', [{ type: 'Scheduled', data: { name: 'v1' } }]),
    ).rejects.toThrow(ValidationError);
    await expect(store.append('S-1', [{ type: 'Planned', data: { name: 'v1' } }])).rejects.toThrow(
      /"Planned" was renamed to "Scheduled"/,
    );
    expect((await store.read('S-1')).version).toBe(2);
  });

  it('stores a versioned payload-only creator’s version without a registry', async () => {
    const Noted = defineEvent('Noted', payload<{ text: string }>(), {
      upcasters: upcastFrom<{ note: string }>().to((v1) => ({ text: v1.note })),
    });
    await using store = new InMemoryEventStore();
    await store.append('N-1', [Noted({ text: 'x' }), { ...Noted({ text: 'spread' }) }]);
    const { events } = await store.read('N-1');
    // A spread copy loses the link to its definition: it is stored as version 1.
    expect(events.map((e) => e.schemaVersion)).toEqual([2, undefined]);
  });
});
