import assert from 'node:assert/strict';
import { comparePositions } from '../../core/position.js';
import type { StreamNotFoundError } from '../../core/errors.js';
import { type CaseContext, events, feed, ns, rejectsWith, uuid } from './fixtures.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Appending and reading back: versions, positions, ids, data, metadata. */
export function appendCases({ describe, it, withStore }: CaseContext): void {
  describe('append and read back', () => {
    it('appends to a new stream and reads every field back', () =>
      withStore(async (store) => {
        const before = Date.now();
        const result = await store.append('Task-1', [
          {
            type: 'TaskCreated',
            data: { title: 'Learn event stores' },
            metadata: { correlationId: 'c-1', user: 'ann' },
          },
          { type: 'TaskCompleted', data: {} },
        ]);
        assert.equal(result.streamId, 'Task-1');
        assert.equal(result.version, 2);
        const stream = await store.read('Task-1');
        assert.equal(stream.streamId, 'Task-1');
        assert.equal(stream.version, 2);
        assert.equal(stream.events.length, 2);
        const [created, completed] = stream.events;
        assert.ok(created && completed);
        assert.equal(created.streamId, 'Task-1');
        assert.equal(created.version, 1);
        assert.equal(completed.version, 2);
        assert.equal(created.type, 'TaskCreated');
        assert.deepEqual(created.data, { title: 'Learn event stores' });
        assert.deepEqual(created.metadata, { correlationId: 'c-1', user: 'ann' });
        assert.deepEqual(completed.metadata, {});
        assert.match(created.id, UUID_V7);
        assert.notEqual(created.id, completed.id);
        assert.ok(comparePositions(created.position, completed.position) < 0);
        assert.equal(completed.position, result.position);
        assert.ok(created.recordedAt instanceof Date);
        assert.ok(
          created.recordedAt.getTime() >= before - 5_000 &&
            created.recordedAt.getTime() <= Date.now() + 5_000,
        );
      }));

    it('keeps a caller-given event id, lower-cased', () =>
      withStore(async (store) => {
        const id = uuid().toUpperCase();
        await store.append('s-1', [{ type: 'A', data: {}, id }]);
        const [event] = (await store.read('s-1')).events;
        assert.equal(event?.id, id.toLowerCase());
      }));

    it('round-trips JSON data exactly', () =>
      withStore(async (store) => {
        const samples: unknown[] = [
          { nested: { deep: [1, 2, { x: null }] }, empty: {}, list: [] },
          { text: 'émoji 🎉, 中文, "quotes", \\ backslash, \n newline, \u0000 nul, \u2028' },
          { big: Number.MAX_SAFE_INTEGER, small: -0.000001, exp: 1e300, zero: 0, neg: -42 },
          { bool: true, off: false, nil: null },
          ['an', 'array', 1],
          'a string',
          12.5,
          null,
          { date: new Date('2024-01-02T03:04:05.678Z') },
        ];
        await store.append(
          'data-1',
          samples.map((data) => ({ type: 'Sample', data })),
        );
        const { events: read } = await store.read('data-1');
        assert.deepEqual(
          read.map((e) => e.data),
          samples.map((s) => JSON.parse(JSON.stringify(s)) as unknown),
        );
      }));

    it('drops undefined object properties, as JSON does', () =>
      withStore(async (store) => {
        await store.append('u-1', [{ type: 'A', data: { kept: 1, dropped: undefined } }]);
        assert.deepEqual((await store.read('u-1')).events[0]?.data, { kept: 1 });
      }));

    it('reads a missing stream as empty at version 0, or throws with mustExist', () =>
      withStore(async (store) => {
        const stream = await store.read('nobody-here');
        assert.equal(stream.version, 0);
        assert.deepEqual(stream.events, []);
        const error = await rejectsWith<StreamNotFoundError>(
          store.read('nobody-here', { mustExist: true }),
          'STREAM_NOT_FOUND',
        );
        assert.equal(error.streamId, 'nobody-here');
        assert.equal(await store.exists('nobody-here'), false);
        assert.equal(await store.getVersion('nobody-here'), 0);
      }));

    it('reports exists and getVersion', () =>
      withStore(async (store) => {
        await store.append('Order-1', events(3));
        assert.equal(await store.exists('Order-1'), true);
        assert.equal(await store.getVersion('Order-1'), 3);
        await store.append('Order-1', events(2));
        assert.equal(await store.getVersion('Order-1'), 5);
      }));

    it('keeps streams apart and versions dense per stream', () =>
      withStore(async (store) => {
        await store.append('a-1', events(2, 'A'));
        await store.append('b-1', events(3, 'B'));
        await store.append('a-1', events(1, 'A', 2));
        assert.deepEqual(ns((await store.read('a-1')).events), [0, 1, 2]);
        assert.deepEqual(
          (await store.read('a-1')).events.map((e) => e.version),
          [1, 2, 3],
        );
        assert.deepEqual(ns((await store.read('b-1')).events), [0, 1, 2]);
      }));

    it('stores a batch atomically with consecutive versions and increasing positions', () =>
      withStore(async (store) => {
        await store.append('other-1', events(1));
        const result = await store.append('batch-1', events(50));
        await store.append('other-1', events(1));
        const read = await store.read('batch-1');
        assert.equal(result.version, 50);
        assert.deepEqual(
          read.events.map((e) => e.version),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        const positions = read.events.map((e) => e.position);
        assert.deepEqual([...positions].sort(comparePositions), positions);
        assert.equal(new Set(positions).size, positions.length);
        const all = await feed(store);
        assert.deepEqual(
          all.map((e) => e.streamId),
          ['other-1', ...Array<string>(50).fill('batch-1'), 'other-1'],
        );
      }));

    it('appends a batch of 10,000 events in one call', () =>
      withStore(async (store) => {
        const result = await store.append('huge-1', events(10_000));
        assert.equal(result.version, 10_000);
        const read = await store.read('huge-1', { from: 9_999 });
        assert.deepEqual(ns(read.events), [9_998, 9_999]);
      }));

    it('stores an event close to the size limit', () =>
      withStore(async (store) => {
        const text = 'x'.repeat(500_000);
        await store.append('big-1', [{ type: 'Big', data: { text } }]);
        const [event] = (await store.read('big-1')).events;
        assert.equal((event?.data as { text: string }).text.length, 500_000);
      }));

    it('returns data that later mutations of the input or output cannot change', () =>
      withStore(async (store) => {
        const data = { list: [1, 2] };
        await store.append('m-1', [{ type: 'A', data }]);
        data.list.push(3);
        const first = await store.read('m-1');
        (first.events[0]?.data as { list: number[] }).list.push(4);
        assert.deepEqual((await store.read('m-1')).events[0]?.data, { list: [1, 2] });
      }));
  });
}
