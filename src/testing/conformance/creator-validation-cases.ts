import assert from 'node:assert/strict';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { defineEvent } from '../../core/events.js';
import type { ValidationError } from '../../core/errors.js';
import { assertFeedLength, type CaseContext, rejectsWith } from './fixtures.js';

/** `{ quantity }`, a positive integer given as a number or a numeric string, revived as a number. */
const quantitySchema: StandardSchemaV1<{ quantity: number | string }, { quantity: number }> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate(value) {
      const quantity = Number((value as { quantity?: unknown } | null)?.quantity);
      return Number.isSafeInteger(quantity) && quantity > 0
        ? { value: { quantity } }
        : { issues: [{ message: 'expected a positive integer', path: ['quantity'] }] };
    },
  },
};

/** The same check, answered asynchronously. */
const asyncQuantitySchema: StandardSchemaV1<{ quantity: number }, { quantity: number }> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate: (value) => Promise.resolve(quantitySchema['~standard'].validate(value)),
  },
};

const ItemAdded = defineEvent('ItemAdded', quantitySchema);
const ItemRemoved = defineEvent('ItemRemoved', asyncQuantitySchema);

/** Events made by a creator with a schema: validated on append by every store, registry or not. */
export function creatorValidationCases({ describe, it, withStore }: CaseContext): void {
  describe('creator validation without a registry', () => {
    it('refuses bad data made by a creator and writes nothing of the append', () =>
      withStore(async (store) => {
        const error = await rejectsWith<ValidationError>(
          store.append('Cart-1', [ItemAdded({ quantity: 1 }), ItemAdded({ quantity: 1.5 })]),
          'VALIDATION',
        );
        assert.equal(
          error.message,
          'Invalid data for event "ItemAdded": quantity: expected a positive integer',
        );
        assert.deepEqual(error.issues, [
          { message: 'expected a positive integer', path: ['quantity'] },
        ]);
        await rejectsWith(
          store.append('Cart-1', [ItemAdded({ quantity: 2 }), ItemRemoved({ quantity: -1 })]),
          'VALIDATION',
        );
        await assertFeedLength(store, 0);
        assert.equal(await store.getVersion('Cart-1'), 0);
      }));

    it('stores valid data as given (the schema input), without its transformation', () =>
      withStore(async (store) => {
        await store.append('Cart-2', [ItemAdded({ quantity: '3' }), ItemRemoved({ quantity: 1 })]);
        const { events } = await store.read('Cart-2');
        assert.deepEqual(
          events.map((e) => e.data),
          [{ quantity: '3' }, { quantity: 1 }],
        );
      }));
  });
}
