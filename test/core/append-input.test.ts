import { describe, expect, it } from 'vitest';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import {
  defineEvent,
  EventRegistry,
  InMemoryEventStore,
  InvalidOptionError,
  ValidationError,
} from '../../src/index.js';
import { prepareAppend } from '../../src/core/append-input.js';
import { normalizeReadAllOptions, normalizeReadOptions } from '../../src/core/read-options.js';

const created = [{ type: 'TaskCreated', data: { title: 'a' } }];

/** What `attempt` rejects with (it must reject). */
async function rejection(attempt: () => Promise<unknown>): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** What `attempt` throws (it must throw). */
function thrown(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('append options (issue 11, defect 5)', () => {
  it('refuses a bare expected version, saying what to write instead', async () => {
    const cases: [unknown, string][] = [
      [0, 'Invalid option options=0: expected an options object: pass { expectedVersion: 0 }'],
      [
        'no_stream',
        'Invalid option options="no_stream": expected an options object: pass { expectedVersion: "no_stream" }',
      ],
      [-1, 'Invalid option options=-1: expected an options object such as { expectedVersion: 0 }'],
      [
        null,
        'Invalid option options=null: expected an options object such as { expectedVersion: 0 }',
      ],
    ];
    for (const [bare, message] of cases) {
      const error = await rejection(() => prepareAppend('Task-1', created, bare as never, {}));
      expect(InvalidOptionError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'options', value: bare });
      expect((error as Error).message).toBe(message);
    }
  });

  it('honours an options object, and no options at all as Any', async () => {
    const append = await prepareAppend('Task-1', created, { expectedVersion: 'no_stream' }, {});
    expect(append.expectedVersion).toBe('no_stream');
    expect((await prepareAppend('Task-1', created, undefined, {})).expectedVersion).toBe('any');
    expect((await prepareAppend('Task-1', created, {}, {})).expectedVersion).toBe('any');
  });

  it('keeps a stream untouched when a bare version is passed (the check is not skipped)', async () => {
    await using store = new InMemoryEventStore();
    await store.append('Task-1', created);
    const error = await rejection(() => store.append('Task-1', created, 0 as never));
    expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'options' });
    expect(await store.getVersion('Task-1')).toBe(1);
  });
});

describe('append input that throws when read (issue 11, defect 4)', () => {
  const throwing = (message: string) => () => {
    throw new TypeError(message);
  };

  it('turns a throwing event getter into a ValidationError naming the event', async () => {
    const event = Object.defineProperty({ data: {} }, 'type', {
      enumerable: true,
      get: throwing('no type today'),
    });
    const error = await rejection(() => prepareAppend('Task-1', [event as never], undefined, {}));
    expect(ValidationError.is(error)).toBe(true);
    expect((error as Error).message).toBe('Invalid events[0]: reading it threw (no type today)');
  });

  it('turns throwing Proxy traps on the events array or an options object into ValidationErrors', async () => {
    const events = new Proxy([], { get: throwing('length refused') });
    const fromEvents = await rejection(() => prepareAppend('Task-1', events, undefined, {}));
    expect((fromEvents as Error).message).toBe('Invalid events: reading it threw (length refused)');
    const options = new Proxy({}, { get: throwing('options refused') });
    const fromOptions = await rejection(() => prepareAppend('Task-1', created, options, {}));
    expect(ValidationError.is(fromOptions)).toBe(true);
    expect((fromOptions as Error).message).toBe(
      'Invalid options.expectedVersion: reading it threw (options refused)',
    );
  });

  it('reads the events array once: changes while a schema validates do not change the append', async () => {
    const slowSchema: StandardSchemaV1<unknown, unknown> = {
      '~standard': { version: 1, vendor: 'test', validate: (value) => Promise.resolve({ value }) },
    };
    const registry = new EventRegistry([defineEvent('A', slowSchema)]);
    const events: unknown[] = [{ type: 'A', data: { n: 1 } }];
    const pending = prepareAppend('Task-1', events, undefined, { registry });
    events.push({ type: 'B', data: 1n });
    const append = await pending;
    expect(append.events.map((e) => [e.type, e.data])).toEqual([['A', '{"n":1}']]);
  });
});

describe('read options must be objects (issue 11, defect 5)', () => {
  it('refuses a bare value in place of read options, naming options', () => {
    for (const bare of [5, 'backward', null, true]) {
      const error = thrown(() => normalizeReadOptions(bare as never));
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'options', value: bare });
      expect((error as Error).message).toMatch(/expected an options object such as \{ from: 1 \}$/);
    }
    expect(thrown(() => normalizeReadOptions({ mustExist: 1 as never }))).toMatchObject({
      option: 'mustExist',
      value: 1,
    });
  });

  it('refuses a bare value in place of readAll options, naming options', () => {
    for (const bare of ['x', 42, null, ['A']]) {
      const error = thrown(() => normalizeReadAllOptions(bare as never));
      expect(error).toMatchObject({ code: 'INVALID_OPTION', option: 'options', value: bare });
    }
  });

  it('turns a throwing options getter into a ValidationError', () => {
    const options = Object.defineProperty({}, 'limit', {
      enumerable: true,
      get: () => {
        throw new Error('limit refused');
      },
    });
    const error = thrown(() => normalizeReadAllOptions(options));
    expect(ValidationError.is(error)).toBe(true);
    expect((error as Error).message).toBe('Invalid options: reading it threw (limit refused)');
  });

  it('names bad values without running their toString', () => {
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    expect((thrown(() => normalizeReadOptions({ from: hostile as never })) as Error).message).toBe(
      'Invalid read option from=object: expected a non-negative integer',
    );
    expect(
      (thrown(() => normalizeReadOptions({ direction: hostile as never })) as Error).message,
    ).toBe("Invalid read option direction=object: expected 'forward' or 'backward'");
  });
});

describe('misspelt options are refused, not ignored', () => {
  it('refuses an unknown key of append, appendMany, an entry and a condition, writing nothing', async () => {
    const store = new InMemoryEventStore();
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => store.append('Task-1', created, { expectedVerison: 0 } as never),
        'Invalid option options.expectedVerison=0: expected one of the known options (expectedVersion, condition)',
      ],
      [
        () =>
          store.appendMany([{ streamId: 'Task-1', events: created }], {
            expectedVersion: 0,
          } as never),
        'Invalid option options.expectedVersion=0: expected one of the known options (condition)',
      ],
      [
        () => store.appendMany([{ streamId: 'Task-1', events: created, expected: 0 } as never]),
        'Invalid option entries[0].expected=0: expected one of the known options (streamId, events, expectedVersion)',
      ],
      [
        () =>
          store.append('Task-1', created, {
            condition: { failIfEventsMatch: { items: [] }, afterPosition: 'x' } as never,
          }),
        'Invalid option options.condition.afterPosition="x": expected one of the known options (failIfEventsMatch, after)',
      ],
    ];
    for (const [attempt, message] of cases) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toBe(message);
    }
    expect(await store.exists('Task-1')).toBe(false);
  });

  it('refuses an unknown key of read, readAll and readByQuery options', async () => {
    const store = new InMemoryEventStore();
    expect(thrown(() => normalizeReadOptions({ form: 2 } as never))).toMatchObject({
      option: 'options.form',
      message: expect.stringContaining('(from, direction, limit, mustExist)') as unknown,
    });
    expect(thrown(() => normalizeReadAllOptions({ type: ['A'] } as never))).toMatchObject({
      option: 'options.type',
    });
    const error = await rejection(() => store.readByQuery({ items: [] }, { from: 1 } as never));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe('options.from');
    // Symbol keys and known keys set to undefined are fine.
    await store.append('Task-1', created, { condition: undefined, [Symbol('x')]: 1 });
    expect(await store.getVersion('Task-1')).toBe(1);
  });
});
