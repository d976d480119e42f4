import assert from 'node:assert/strict';
import type { ConcurrencyError } from '../../core/errors.js';
import type { RecordedEvent } from '../../core/events.js';
import type { StreamMetadata } from '../../core/stream-metadata.js';
import { type CaseContext, events, feed, ns, pause, rejectsWith } from './fixtures.js';

/** The versions of a read, forward and backward. */
function versions(list: readonly RecordedEvent[]): number[] {
  return list.map((e) => e.version);
}

/**
 * Stream metadata: the round trip, its optimistic concurrency and
 * validation, tombstones, and `maxCount` and `maxAge` hiding events from
 * stream reads (not from the feed) at once.
 */
export function metadataCases({ describe, it, withStore }: CaseContext): void {
  describe('stream metadata', () => {
    it('round-trips metadata with its version, on a stream with or without events', () =>
      withStore(async (store) => {
        assert.deepEqual(await store.getStreamMetadata('Task-1'), {
          streamId: 'Task-1',
          metadata: {},
          metadataVersion: 0,
        });
        const custom = { owner: 'billing', tags: ['a', 'b'], nested: { n: 1, ok: true, no: null } };
        const set = await store.setStreamMetadata('Task-1', { maxCount: 10, custom });
        assert.deepEqual(set, { streamId: 'Task-1', metadataVersion: 1 });
        assert.deepEqual(await store.getStreamMetadata('Task-1'), {
          streamId: 'Task-1',
          metadata: { maxCount: 10, custom },
          metadataVersion: 1,
        });
        assert.equal(await store.exists('Task-1'), false, 'metadata alone creates no stream');
        assert.deepEqual((await store.listStreams()).streams, []);
        await store.append('Task-1', events(2));
        const again = await store.setStreamMetadata('Task-1', {}, { expectedMetadataVersion: 1 });
        assert.equal(again.metadataVersion, 2);
        assert.deepEqual((await store.getStreamMetadata('Task-1')).metadata, {});
        assert.equal((await feed(store)).length, 2, 'setting metadata writes no event');
      }));

    it('checks the expected metadata version atomically', () =>
      withStore(async (store) => {
        await store.setStreamMetadata('Task-1', { maxAge: 60 }, { expectedMetadataVersion: 0 });
        const error = await rejectsWith<ConcurrencyError>(
          store.setStreamMetadata('Task-1', { maxAge: 30 }, { expectedMetadataVersion: 0 }),
          'CONCURRENCY',
        );
        assert.equal(error.actualVersion, 1);
        const racing = await Promise.allSettled([
          store.setStreamMetadata('Task-1', { maxCount: 1 }, { expectedMetadataVersion: 1 }),
          store.setStreamMetadata('Task-1', { maxCount: 2 }, { expectedMetadataVersion: 1 }),
        ]);
        assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
        const { metadata, metadataVersion } = await store.getStreamMetadata('Task-1');
        assert.equal(metadataVersion, 2);
        assert.ok(metadata.maxCount === 1 || metadata.maxCount === 2);
      }));

    it('refuses bad metadata and options with typed errors, writing nothing', () =>
      withStore(async (store) => {
        const bad: [unknown, unknown, string][] = [
          [{ maxAge: 0 }, undefined, 'INVALID_OPTION'],
          [{ maxAge: 1.5 }, undefined, 'INVALID_OPTION'],
          [{ maxCount: -1 }, undefined, 'INVALID_OPTION'],
          [{ maxCount: '3' }, undefined, 'INVALID_OPTION'],
          [{ maxcount: 3 }, undefined, 'INVALID_OPTION'],
          [{ custom: [1] }, undefined, 'INVALID_OPTION'],
          [{ custom: { n: 10n } }, undefined, 'SERIALIZATION'],
          [{ custom: { f: () => 1 } }, undefined, 'SERIALIZATION'],
          [null, undefined, 'INVALID_OPTION'],
          [{}, { expectedVersion: 0 }, 'INVALID_OPTION'],
          [{}, { expectedMetadataVersion: -1 }, 'INVALID_OPTION'],
        ];
        for (const [metadata, options, code] of bad)
          await rejectsWith(
            store.setStreamMetadata('Task-1', metadata as StreamMetadata, options as undefined),
            code as 'INVALID_OPTION',
            JSON.stringify(metadata, (_k, v: unknown) => (typeof v === 'bigint' ? 'big' : v)),
          );
        await rejectsWith(store.setStreamMetadata('$$Task-1', {}), 'VALIDATION');
        await rejectsWith(store.setStreamMetadata('', {}), 'VALIDATION');
        await rejectsWith(store.getStreamMetadata(''), 'VALIDATION');
        assert.equal((await store.getStreamMetadata('Task-1')).metadataVersion, 0);
      }));

    it('refuses metadata of a hard-deleted stream', () =>
      withStore(async (store) => {
        await store.append('Task-1', events(1));
        await store.setStreamMetadata('Task-1', { maxCount: 5 });
        await store.deleteStream('Task-1', { hard: true });
        await rejectsWith(store.getStreamMetadata('Task-1'), 'STREAM_DELETED');
        await rejectsWith(store.setStreamMetadata('Task-1', {}), 'STREAM_DELETED');
      }));

    it('maxCount hides all but the last events from stream reads at once, not from the feed', () =>
      withStore(async (store) => {
        await store.append('Log-1', events(5));
        await store.setStreamMetadata('Log-1', { maxCount: 2 });
        const read = await store.read('Log-1');
        assert.equal(read.version, 5);
        assert.deepEqual(versions(read.events), [4, 5]);
        const back = await store.read('Log-1', { direction: 'backward' });
        assert.deepEqual(versions(back.events), [5, 4]);
        assert.deepEqual(versions((await store.read('Log-1', { from: 1, limit: 1 })).events), [4]);
        const down = await store.read('Log-1', { direction: 'backward', from: 4, limit: 5 });
        assert.deepEqual(versions(down.events), [4]);
        await store.append('Log-1', events(1, 'Happened', 5), { expectedVersion: 5 });
        assert.deepEqual(versions((await store.read('Log-1')).events), [5, 6]);
        assert.equal((await feed(store)).length, 6, 'the feed keeps them until a scavenge');
        await store.setStreamMetadata('Log-1', {});
        assert.equal((await store.read('Log-1')).events.length, 6, 'loosened: visible again');
      }));

    it('maxAge hides the events recorded longer ago than it, by their timestamps', () =>
      withStore(async (store) => {
        await store.append('Log-1', events(2));
        await pause(1100);
        await store.append('Log-1', events(1, 'Happened', 2));
        await store.setStreamMetadata('Log-1', { maxAge: 1 });
        const read = await store.read('Log-1');
        assert.equal(read.version, 3);
        assert.deepEqual(ns(read.events), [2]);
        assert.deepEqual(ns((await store.read('Log-1', { direction: 'backward' })).events), [2]);
        await store.setStreamMetadata('Log-1', { maxAge: 3600 });
        assert.deepEqual(ns((await store.read('Log-1')).events), [0, 1, 2]);
      }));

    it('retention combines with truncation and soft deletion: the latest first version wins', () =>
      withStore(async (store) => {
        await store.append('Log-1', events(6));
        await store.truncateStream('Log-1', { before: 3 });
        await store.setStreamMetadata('Log-1', { maxCount: 5 });
        assert.deepEqual(versions((await store.read('Log-1')).events), [3, 4, 5, 6]);
        await store.setStreamMetadata('Log-1', { maxCount: 2 });
        assert.deepEqual(versions((await store.read('Log-1')).events), [5, 6]);
        await store.deleteStream('Log-1');
        assert.deepEqual((await store.read('Log-1')).events, []);
        await store.append('Log-1', events(3));
        assert.deepEqual(versions((await store.read('Log-1')).events), [8, 9]);
        assert.equal((await store.getStreamMetadata('Log-1')).metadata.maxCount, 2);
      }));
  });
}
