import assert from 'node:assert/strict';
import { DEFAULT_MAX_EVENT_BYTES } from '../../core/append-input.js';
import { InvalidOptionError, ValidationError } from '../../core/errors.js';
import type { EventStore } from '../../core/event-store.js';
import type { StoreFactoryOptions, SuiteOptions } from '../suite-options.js';
import { assertFeedLength, type CaseContext, rejectsWith } from './fixtures.js';

/** What the factory throws or rejects with for `bad`; fails the test when it creates a store. */
async function factoryFailure(options: SuiteOptions, bad: StoreFactoryOptions): Promise<unknown> {
  let store: EventStore;
  try {
    store = await options.createStore(bad);
  } catch (error) {
    return error;
  }
  await store.close();
  return assert.fail('the factory created a store from a bad option');
}

/** Bad shared options get an InvalidOptionError from the factory; good ones are enforced. */
export function optionCases({ describe, it, options, withStore }: CaseContext): void {
  describe('shared options', () => {
    const rejectsOption = (option: 'maxEventBytes' | 'registry', label: string, value: unknown) =>
      it(`rejects ${option} ${label} with INVALID_OPTION from the factory`, async () => {
        const error = await factoryFailure(options, { [option]: value });
        assert.ok(InvalidOptionError.is(error), `an InvalidOptionError, got ${String(error)}`);
        assert.ok(ValidationError.is(error), 'an InvalidOptionError is a ValidationError');
        assert.equal(error.code, 'INVALID_OPTION');
        assert.equal(error.option, option);
        assert.ok(Object.is(error.value, value), 'carries the value given');
        assert.ok(error.message.startsWith(`Invalid option ${option}=`), error.message);
      });

    for (const value of [Number.NaN, -1, 0, 1.5, '10', Number.POSITIVE_INFINITY]) {
      rejectsOption(
        'maxEventBytes',
        typeof value === 'string' ? `'${value}'` : String(value),
        value,
      );
    }
    rejectsOption('registry', 'an empty object', {});
    rejectsOption('registry', 'an object without revive', { validate: () => ({}) });
    rejectsOption('registry', 'an array', []);
    rejectsOption('registry', 'a string', 'registry');

    it('enforces maxEventBytes: 10 on data plus metadata, writing nothing over it', () =>
      withStore(
        async (store) => {
          const over = await rejectsWith<ValidationError>(
            store.append('small-1', [{ type: 'A', data: 'x'.repeat(9) }]),
            'VALIDATION',
          );
          assert.equal(
            over.message,
            'Invalid events[0]: 11 bytes of data and metadata, at most 10 allowed',
          );
          await rejectsWith(
            store.append('small-1', [{ type: 'A', data: {}, metadata: { a: 'b' } }]),
            'VALIDATION',
          );
          await rejectsWith(
            store.append('small-1', [
              { type: 'A', data: 1 },
              { type: 'A', data: 'x'.repeat(9) },
            ]),
            'VALIDATION',
          );
          await assertFeedLength(store, 0);
          assert.equal(await store.exists('small-1'), false);
          await store.append('small-1', [
            { type: 'A', data: 'x'.repeat(8) },
            { type: 'A', data: {}, metadata: { a: 1 } },
          ]);
          const { events } = await store.read('small-1');
          assert.deepEqual(
            events.map((e) => [e.data, e.metadata]),
            [
              ['x'.repeat(8), {}],
              [{}, { a: 1 }],
            ],
          );
        },
        { maxEventBytes: 10 },
      ));

    it(`limits events to ${DEFAULT_MAX_EVENT_BYTES} bytes by default`, () =>
      withStore(async (store) => {
        const quotes = 2;
        await rejectsWith(
          store.append('big-1', [
            { type: 'A', data: 'x'.repeat(DEFAULT_MAX_EVENT_BYTES - quotes + 1) },
          ]),
          'VALIDATION',
        );
        assert.equal(await store.exists('big-1'), false);
        const result = await store.append('big-1', [
          { type: 'A', data: 'x'.repeat(DEFAULT_MAX_EVENT_BYTES - quotes) },
        ]);
        assert.equal(result.version, 1);
        const [event] = (await store.read('big-1')).events;
        assert.equal((event?.data as string).length, DEFAULT_MAX_EVENT_BYTES - quotes);
      }));
  });
}
