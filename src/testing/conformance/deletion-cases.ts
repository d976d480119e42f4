import assert from 'node:assert/strict';
import { StreamDeletedError } from '../../core/errors.js';
import type { ReadAllOptions } from '../../core/event-store.js';
import type { RecordedEvent } from '../../core/events.js';
import type { EventStore } from '../../core/event-store.js';
import { type CaseContext, events, ns, rejectsWith } from './fixtures.js';

/** The whole feed, or its events matching `options`. */
function feed(store: EventStore, options?: ReadAllOptions): Promise<RecordedEvent[]> {
  return store.readAll(options).toArray();
}

/**
 * `deleteStream` (soft and hard) and `truncateStream`: what reads, appends,
 * listings and the feed see afterwards, the `$StreamDeleted` system event,
 * expected versions, races with appends, and bad input.
 */
export function deletionCases({ describe, it, withStore }: CaseContext): void {
  describe('deleted streams', () => {
    it('a soft-deleted stream reads as empty at version 0 and does not exist', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(3));
        await store.append('Task-2', events(1));
        const result = await store.deleteStream('Task-1', { expectedVersion: 3 });
        assert.equal(result.streamId, 'Task-1');
        assert.equal(result.version, 3);
        assert.ok(result.position !== undefined);
        assert.deepEqual(await store.read('Task-1'), {
          streamId: 'Task-1',
          version: 0,
          events: [],
        });
        assert.equal((await store.read('Task-1', { direction: 'backward' })).events.length, 0);
        assert.equal(await store.exists('Task-1'), false);
        assert.equal(await store.getVersion('Task-1'), 0);
        await rejectsWith(store.read('Task-1', { mustExist: true }), 'STREAM_NOT_FOUND');
        const { streams } = await store.listStreams();
        assert.deepEqual(
          streams.map((s) => s.streamId),
          ['$$Task-1', 'Task-2'], // the system stream of the deletion is listed
        );
      }));

    it('an append re-creates a soft-deleted stream, numbering on after the deleted versions', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(2));
        await store.deleteStream('Task-1');
        await rejectsWith(
          store.append('Task-1', events(1), { expectedVersion: 2 }),
          'CONCURRENCY',
          'the deleted version is not the current one',
        );
        await rejectsWith(
          store.append('Task-1', events(1), { expectedVersion: 'stream_exists' }),
          'CONCURRENCY',
        );
        const appended = await store.append('Task-1', events(2, 'Happened', 10), {
          expectedVersion: 'no_stream',
        });
        assert.equal(appended.version, 4);
        const read = await store.read('Task-1');
        assert.equal(read.version, 4);
        assert.deepEqual(
          read.events.map((e) => e.version),
          [3, 4],
        );
        assert.deepEqual(ns(read.events), [10, 11]);
        assert.deepEqual(
          (await store.read('Task-1', { direction: 'backward' })).events.map((e) => e.version),
          [4, 3],
        );
        assert.deepEqual(
          (await store.read('Task-1', { from: 1, limit: 1 })).events.map((e) => e.version),
          [3],
        );
        assert.equal(await store.exists('Task-1'), true);
        assert.equal((await store.append('Task-1', events(1), { expectedVersion: 4 })).version, 5);
        const again = await store.deleteStream('Task-1', { expectedVersion: 5 });
        assert.equal(again.version, 5);
        await store.append('Task-1', events(1)); // 'any' re-creates it too
        assert.deepEqual(
          (await store.read('Task-1')).events.map((e) => e.version),
          [6],
        );
      }));

    it('checks the expected version atomically and writes nothing on a mismatch', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(2));
        const error = await rejectsWith(
          store.deleteStream('Task-1', { expectedVersion: 1 }),
          'CONCURRENCY',
        );
        assert.equal((error as unknown as { actualVersion: number }).actualVersion, 2);
        await rejectsWith(
          store.deleteStream('Task-9', { expectedVersion: 'stream_exists' }),
          'CONCURRENCY',
        );
        await rejectsWith(
          store.deleteStream('Task-1', { expectedVersion: 'no_stream', hard: true }),
          'CONCURRENCY',
        );
        assert.equal(await store.getVersion('Task-1'), 2);
        assert.equal((await feed(store)).length, 2, 'no system event was written');
      }));

    it('a soft delete of a stream with nothing to read writes nothing', () =>
      withStore(async (store) => {
        assert.deepEqual(await store.deleteStream('Task-1'), {
          streamId: 'Task-1',
          version: 0,
          position: undefined,
        });
        await store.append('Task-2', events(1));
        await store.deleteStream('Task-2');
        const second = await store.deleteStream('Task-2', { expectedVersion: 'no_stream' });
        assert.equal(second.position, undefined);
        assert.equal((await feed(store)).length, 2, 'one event and one deletion');
      }));

    it('writes a $StreamDeleted event to $$<stream> in the feed; the deleted events stay in the feed', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(2));
        const soft = await store.deleteStream('Task-1');
        await store.append('Task-1', events(1));
        const hard = await store.deleteStream('Task-1', { hard: true });
        const all = await feed(store);
        assert.deepEqual(
          all.map((e) => [e.streamId, e.version, e.type]),
          [
            ['Task-1', 1, 'Happened'],
            ['Task-1', 2, 'Happened'],
            ['$$Task-1', 1, '$StreamDeleted'],
            ['Task-1', 3, 'Happened'],
            ['$$Task-1', 2, '$StreamDeleted'],
          ],
        );
        assert.equal(all[2]?.position, soft.position);
        assert.equal(all[4]?.position, hard.position);
        assert.deepEqual(all[2]?.data, { streamId: 'Task-1', version: 2, hard: false });
        assert.deepEqual(all[4]?.data, { streamId: 'Task-1', version: 3, hard: true });
        const filtered = await feed(store, { types: ['$StreamDeleted'] });
        assert.equal(filtered.length, 2);
        const byCategory = await feed(store, { categories: ['$$Task'] });
        assert.equal(byCategory.length, 2);
        const system = await store.read('$$Task-1');
        assert.equal(system.version, 2);
      }));

    it('a hard delete is for good: appends, reads and deletions throw StreamDeletedError', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(2));
        const result = await store.deleteStream('Task-1', { hard: true, expectedVersion: 2 });
        assert.equal(result.version, 2);
        const error = await rejectsWith(store.append('Task-1', events(1)), 'STREAM_DELETED');
        assert.ok(StreamDeletedError.is(error));
        assert.equal(error.streamId, 'Task-1');
        await rejectsWith(
          store.append('Task-1', events(1), { expectedVersion: 'no_stream' }),
          'STREAM_DELETED',
        );
        await rejectsWith(
          store.appendMany([
            { streamId: 'Task-2', events: events(1) },
            { streamId: 'Task-1', events: events(1) },
          ]),
          'STREAM_DELETED',
        );
        assert.equal(await store.exists('Task-2'), false, 'appendMany wrote nothing');
        await rejectsWith(store.read('Task-1'), 'STREAM_DELETED');
        await rejectsWith(store.getVersion('Task-1'), 'STREAM_DELETED');
        assert.equal(await store.exists('Task-1'), false);
        await rejectsWith(store.deleteStream('Task-1'), 'STREAM_DELETED');
        await rejectsWith(store.deleteStream('Task-1', { hard: true }), 'STREAM_DELETED');
        await rejectsWith(store.truncateStream('Task-1', { before: 2 }), 'STREAM_DELETED');
        assert.deepEqual(
          (await store.listStreams()).streams.map((s) => s.streamId),
          ['$$Task-1'],
        );
        assert.equal((await feed(store, { categories: ['Task'] })).length, 2);
      }));

    it('a hard delete tombstones a stream that never had events', () =>
      withStore(async (store) => {
        const result = await store.deleteStream('Task-1', { hard: true });
        assert.equal(result.version, 0);
        assert.ok(result.position !== undefined);
        await rejectsWith(store.append('Task-1', events(1)), 'STREAM_DELETED');
      }));

    it('an append racing a hard delete lands before it or fails with StreamDeletedError', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(1));
        const appends = Array.from({ length: 8 }, () =>
          store.append('Task-1', events(1)).then(
            (r) => r.version,
            (e: unknown) => e,
          ),
        );
        const deleted = await store.deleteStream('Task-1', { hard: true });
        const outcomes = await Promise.all(appends);
        const landed = outcomes.filter((o): o is number => typeof o === 'number');
        for (const o of outcomes)
          if (typeof o !== 'number') assert.ok(StreamDeletedError.is(o), String(o));
        assert.equal(deleted.version, 1 + landed.length);
        const stored = (await feed(store, { categories: ['Task'] })).map((e) => e.version);
        assert.equal(stored.length, deleted.version, 'nothing landed after the tombstone');
      }));

    it('refuses bad input and the $$ system streams, writing nothing', () =>
      withStore(async (store) => {
        await rejectsWith(store.deleteStream(''), 'VALIDATION');
        await rejectsWith(store.deleteStream('$$Task-1'), 'VALIDATION');
        await rejectsWith(store.append('$$Task-1', events(1)), 'VALIDATION');
        await rejectsWith(
          store.appendMany([{ streamId: '$$Task-1', events: events(1) }]),
          'VALIDATION',
        );
        await rejectsWith(store.deleteStream('Task-1', { hard: 'yes' } as never), 'INVALID_OPTION');
        await rejectsWith(store.deleteStream('Task-1', { expectedVersion: -1 }), 'VALIDATION');
        await rejectsWith(store.deleteStream('Task-1', { force: true } as never), 'INVALID_OPTION');
        await rejectsWith(store.truncateStream('Task-1', { before: 0 }), 'INVALID_OPTION');
        await rejectsWith(store.truncateStream('Task-1', {} as never), 'INVALID_OPTION');
        await rejectsWith(store.truncateStream('Task-1', { before: 1.5 }), 'INVALID_OPTION');
        assert.equal((await feed(store)).length, 0);
      }));
  });

  describe('truncated streams', () => {
    it('reads start at `before`; the version stays; the feed keeps the events', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(5));
        await store.truncateStream('Task-1', { before: 4 });
        const read = await store.read('Task-1');
        assert.equal(read.version, 5);
        assert.deepEqual(
          read.events.map((e) => e.version),
          [4, 5],
        );
        assert.deepEqual(
          (await store.read('Task-1', { direction: 'backward' })).events.map((e) => e.version),
          [5, 4],
        );
        assert.deepEqual(
          (await store.read('Task-1', { from: 2, limit: 1 })).events.map((e) => e.version),
          [4],
        );
        assert.deepEqual(
          (await store.read('Task-1', { direction: 'backward', from: 3 })).events,
          [],
        );
        assert.equal(await store.getVersion('Task-1'), 5);
        assert.equal(await store.exists('Task-1'), true);
        await store.truncateStream('Task-1', { before: 2 }); // never moves back
        assert.equal((await store.read('Task-1')).events.length, 2);
        assert.equal((await store.append('Task-1', events(1), { expectedVersion: 5 })).version, 6);
        await store.truncateStream('Task-1', { before: 10 });
        assert.deepEqual(await store.read('Task-1'), {
          streamId: 'Task-1',
          version: 6,
          events: [],
        });
        assert.equal((await store.listStreams()).streams[0]?.version, 6);
        assert.equal((await feed(store)).length, 6);
      }));
  });
}
