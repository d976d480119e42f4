import assert from 'node:assert/strict';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { defineEvent, payload } from '../../core/events.js';
import type { ValidationError } from '../../core/errors.js';
import { EventRegistry } from '../../core/registry.js';
import { assertFeedLength, type CaseContext, rejectsWith } from './fixtures.js';

/** A small Standard Schema: `{ title: string }`, and `due` revived from an ISO string to a Date. */
const taskSchema: StandardSchemaV1<unknown, { title: string; due?: Date }> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate(value) {
      if (typeof value !== 'object' || value === null)
        return { issues: [{ message: 'expected an object' }] };
      const { title, due } = value as { title?: unknown; due?: unknown };
      if (typeof title !== 'string')
        return { issues: [{ message: 'expected a string', path: ['title'] }] };
      if (due === undefined) return { value: { title } };
      const date = due instanceof Date ? due : typeof due === 'string' ? new Date(due) : undefined;
      if (date === undefined || Number.isNaN(date.getTime()))
        return { issues: [{ message: 'expected a date', path: ['due'] }] };
      return { value: { title, due: date } };
    },
  },
};

/** An asynchronous Standard Schema that accepts only positive amounts. */
const amountSchema: StandardSchemaV1<unknown, { amount: number }> = {
  '~standard': {
    version: 1,
    vendor: 'conformance',
    validate: (value) =>
      Promise.resolve(
        typeof (value as { amount?: unknown }).amount === 'number' &&
          (value as { amount: number }).amount > 0
          ? { value: value as { amount: number } }
          : { issues: [{ message: 'must be positive', path: ['amount'] }] },
      ),
  },
};

const TaskCreated = defineEvent('TaskCreated', taskSchema);
const Paid = defineEvent('Paid', amountSchema);
const Noted = defineEvent('Noted', payload<{ text: string }>());

/** Event registries: validation before writing, revival on reading, strict mode. */
export function registryCases({ describe, it, withStore }: CaseContext): void {
  describe('event registry', () => {
    const registry = () => new EventRegistry([TaskCreated, Paid, Noted]);

    it('validates data with the schema and writes nothing when it fails', () =>
      withStore(
        async (store) => {
          const error = await rejectsWith<ValidationError>(
            store.append('Task-1', [
              TaskCreated({ title: 'ok' }),
              { type: 'TaskCreated', data: { title: 3 } },
            ]),
            'VALIDATION',
          );
          assert.deepEqual(error.issues, [{ message: 'expected a string', path: ['title'] }]);
          const negative = await rejectsWith<ValidationError>(
            store.append('Pay-1', [{ type: 'Paid', data: { amount: -1 } }]),
            'VALIDATION',
          );
          assert.deepEqual(negative.issues, [{ message: 'must be positive', path: ['amount'] }]);
          await assertFeedLength(store, 0);
          await store.append('Pay-1', [Paid({ amount: 5 })]);
          assert.deepEqual((await store.read('Pay-1')).events[0]?.data, { amount: 5 });
        },
        { registry: registry() },
      ));

    it('revives data read back through the schema', () =>
      withStore(
        async (store) => {
          const due = new Date('2030-05-06T07:08:09.000Z');
          await store.append('Task-2', [
            TaskCreated({ title: 'revive', due }),
            Noted({ text: 'kept' }),
          ]);
          const [created, noted] = (await store.read('Task-2')).events;
          assert.ok((created?.data as { due: unknown }).due instanceof Date);
          assert.equal((created?.data as { due: Date }).due.toISOString(), due.toISOString());
          assert.deepEqual(noted?.data, { text: 'kept' });
          const fromFeed = await store.readAll({ types: ['TaskCreated'] }).toArray();
          assert.equal(fromFeed.length, 1);
          const revived = (fromFeed[0]?.data as { due: unknown }).due;
          assert.ok(revived instanceof Date);
          assert.equal(revived.toISOString(), due.toISOString());
          const page = await store.readAllPage({ categories: ['Task'] });
          assert.deepEqual(page.events[0]?.data, { title: 'revive', due });
        },
        { registry: registry() },
      ));

    it('keeps unknown types as raw data when lenient', () =>
      withStore(
        async (store) => {
          await store.append('x-1', [{ type: 'Unknown', data: { anything: [1] } }]);
          assert.deepEqual((await store.read('x-1')).events[0]?.data, { anything: [1] });
        },
        { registry: registry() },
      ));

    it('rejects unknown types when strict', () =>
      withStore(
        async (store) => {
          const error = await rejectsWith<ValidationError>(
            store.append('x-1', [{ type: 'Unknown', data: {} }]),
            'VALIDATION',
          );
          assert.equal(error.message, 'Unknown event type "Unknown" (the registry is strict)');
          await assertFeedLength(store, 0);
          const result = await store.append('x-1', [Noted({ text: 'known' })]);
          assert.equal(result.version, 1);
          assert.deepEqual((await store.read('x-1')).events[0]?.data, { text: 'known' });
        },
        { registry: new EventRegistry([TaskCreated, Paid, Noted], { strict: true }) },
      ));
  });
}
