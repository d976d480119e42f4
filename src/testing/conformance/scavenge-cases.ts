import assert from 'node:assert/strict';
import type { RecordedEvent } from '../../core/events.js';
import type { EventStore } from '../../core/event-store.js';
import { startScavenger } from '../../core/scavenger.js';
import type { ScavengeReport } from '../../core/scavenge.js';
import { InMemorySubscriptionStorage } from '../../subscriptions/in-memory-subscription-storage.js';
import { subscribe } from '../../subscriptions/subscribe.js';
import { type CaseContext, events, feed, ns, pause, rejectsWith, uuid } from './fixtures.js';

/** Deleted, truncated and retained streams, and one left alone; a marker event last. */
async function history(store: EventStore): Promise<void> {
  await store.append('Soft-1', events(3, 'Happened', 100));
  await store.append('Hard-1', events(2, 'Happened', 200));
  await store.append('Cut-1', events(4, 'Happened', 300));
  await store.append('Count-1', events(5, 'Happened', 400));
  await store.append('Keep-1', events(2, 'Happened', 500));
  await store.deleteStream('Soft-1');
  await store.deleteStream('Hard-1', { hard: true });
  await store.truncateStream('Cut-1', { before: 3 });
  await store.setStreamMetadata('Count-1', { maxCount: 2 });
  await store.append('Marker-1', events(1, 'Marker', 900));
}

/** The `n` of every event in the feed. */
async function feedNs(store: EventStore, types?: readonly string[]): Promise<number[]> {
  const list = types === undefined ? await feed(store) : await store.readAll({ types }).toArray();
  return ns(list.filter((e: RecordedEvent) => !e.streamId.startsWith('$$')));
}

/**
 * `scavenge`: what it removes (deleted, truncated, retained events) and
 * reports, what stays (tombstones, versions, the streams' last events), the
 * feed and subscriptions across it, idempotency by id after it, batches and
 * abort, and the background scavenger.
 */
export function scavengeCases({ describe, it, withStore }: CaseContext): void {
  describe('scavenge', () => {
    it('removes the events deletion, truncation and retention hide, and reports them', () =>
      withStore(async (store) => {
        await history(store);
        assert.equal((await feedNs(store)).length, 17, 'the feed keeps them until the scavenge');
        const report = await store.scavenge();
        assert.deepEqual(report, {
          streams: 4,
          eventsRemoved: 3 + 2 + 2 + 3,
          byStream: [
            { streamId: 'Count-1', eventsRemoved: 3, tombstoned: false },
            { streamId: 'Cut-1', eventsRemoved: 2, tombstoned: false },
            { streamId: 'Hard-1', eventsRemoved: 2, tombstoned: true },
            { streamId: 'Soft-1', eventsRemoved: 3, tombstoned: false },
          ],
          complete: true,
        } satisfies ScavengeReport);
        assert.deepEqual(await feedNs(store), [302, 303, 403, 404, 500, 501, 900]);
        assert.deepEqual(await feedNs(store, ['Happened']), [302, 303, 403, 404, 500, 501]);
        const deletions = (await feed(store)).filter((e) => e.streamId.startsWith('$$'));
        assert.deepEqual(
          deletions.map((e) => e.streamId),
          ['$$Soft-1', '$$Hard-1'],
          'the $StreamDeleted events stay',
        );
        assert.deepEqual(ns((await store.read('Cut-1')).events), [302, 303]);
        assert.deepEqual(ns((await store.read('Count-1')).events), [403, 404]);
        assert.equal(await store.countEventsAfter(undefined, {}, 100), (await feed(store)).length);
        const again = await store.scavenge();
        assert.deepEqual(again, { streams: 0, eventsRemoved: 0, byStream: [], complete: true });
      }));

    it('keeps tombstones and versions: soft-deleted streams number on, hard-deleted ones refuse', () =>
      withStore(async (store) => {
        await history(store);
        await store.scavenge();
        await rejectsWith(store.append('Hard-1', events(1)), 'STREAM_DELETED');
        await rejectsWith(store.read('Hard-1'), 'STREAM_DELETED');
        assert.equal(await store.exists('Hard-1'), false);
        assert.equal(await store.getVersion('Soft-1'), 0);
        await rejectsWith(store.append('Soft-1', events(1), { expectedVersion: 3 }), 'CONCURRENCY');
        const recreated = await store.append('Soft-1', events(1, 'Happened', 103), {
          expectedVersion: 'no_stream',
        });
        assert.equal(recreated.version, 4);
        assert.deepEqual(
          (await store.read('Soft-1')).events.map((e) => e.version),
          [4],
        );
        assert.equal(await store.getVersion('Cut-1'), 4);
        assert.equal(await store.getVersion('Count-1'), 5);
        const listed = (await store.listStreams()).streams.map((s) => [s.streamId, s.version]);
        assert.deepEqual(listed, [
          ['$$Hard-1', 1],
          ['$$Soft-1', 1],
          ['Count-1', 5],
          ['Cut-1', 4],
          ['Keep-1', 2],
          ['Marker-1', 1],
          ['Soft-1', 4],
        ]);
      }));

    it('keeps the last event of a stream whose every event is hidden but which is not deleted', () =>
      withStore(async (store) => {
        await store.append('Cut-1', events(3));
        await store.truncateStream('Cut-1', { before: 10 });
        await store.append('Other-1', events(1));
        const report = await store.scavenge();
        assert.equal(report.eventsRemoved, 2);
        assert.equal((await store.read('Cut-1')).events.length, 0);
        assert.equal(await store.getVersion('Cut-1'), 3);
        assert.equal(await store.exists('Cut-1'), true);
        assert.equal((await feed(store)).length, 2);
      }));

    it('forgets the ids of removed events: re-appending one writes it anew', () =>
      withStore(async (store) => {
        const id = uuid();
        await store.append('Soft-1', [{ id, type: 'Happened', data: { n: 1 } }]);
        assert.equal(
          (await store.append('Soft-1', [{ id, type: 'Happened', data: { n: 1 } }])).version,
          1,
          'an idempotent retry before the scavenge',
        );
        await store.deleteStream('Soft-1');
        await store.scavenge();
        const again = await store.append('Soft-1', [{ id, type: 'Happened', data: { n: 1 } }]);
        assert.equal(again.version, 2);
        assert.deepEqual(
          (await store.read('Soft-1')).events.map((e) => e.id),
          [id],
        );
      }));

    it('removes expired events (maxAge)', () =>
      withStore(async (store) => {
        await store.append('Log-1', events(3));
        await pause(1100);
        await store.append('Log-1', events(1, 'Happened', 3));
        await store.setStreamMetadata('Log-1', { maxAge: 1 });
        const report = await store.scavenge();
        assert.equal(report.eventsRemoved, 3);
        await store.setStreamMetadata('Log-1', {});
        assert.deepEqual(ns((await store.read('Log-1')).events), [3], 'removed for good');
      }));

    it('works in batches, and stops between two when aborted', () =>
      withStore(async (store) => {
        await store.append('Big-1', events(25));
        await store.deleteStream('Big-1');
        const controller = new AbortController();
        controller.abort(new Error('enough'));
        await assert.rejects(store.scavenge({ signal: controller.signal }), /enough/);
        assert.equal((await feed(store)).length, 26, 'nothing removed');
        const report = await store.scavenge({ batchSize: 10 });
        assert.equal(report.eventsRemoved, 25);
        assert.equal((await feed(store)).length, 1);
        await rejectsWith(store.scavenge({ batchSize: 0 }), 'INVALID_OPTION');
        await rejectsWith(store.scavenge({ batch: 10 } as never), 'INVALID_OPTION');
        await rejectsWith(store.scavenge({ compact: 'yes' } as never), 'INVALID_OPTION');
      }));

    it('subscriptions whose checkpoint is behind removed events go on', () =>
      withStore(async (store) => {
        const storage = new InMemorySubscriptionStorage();
        const seen: number[] = [];
        const run = async (): Promise<void> => {
          const sub = subscribe(store, {
            name: 'audit',
            storage,
            types: ['Happened', 'Marker'],
            handler: (event) => {
              seen.push((event.data as { n: number }).n);
            },
          });
          try {
            await sub.caughtUp;
          } finally {
            await sub.stop();
          }
        };
        await store.append('First-1', events(1, 'Happened', 1));
        await run();
        await history(store);
        await store.scavenge();
        await store.append('Last-1', events(1, 'Happened', 2));
        await run();
        assert.deepEqual(seen, [1, 302, 303, 403, 404, 500, 501, 900, 2]);
      }));

    it('runs in the background until stopped', async () => {
      await withStore(async (store) => {
        await store.append('Soft-1', events(2));
        await store.deleteStream('Soft-1');
        const reports: ScavengeReport[] = [];
        const errors: unknown[] = [];
        const scavenger = startScavenger(store, {
          intervalMs: 60_000,
          immediate: true,
          onReport: (report) => reports.push(report),
          onError: (error) => errors.push(error),
        });
        for (let i = 0; i < 200 && reports.length === 0; i++) await pause(10);
        await scavenger.stop();
        assert.deepEqual(errors, []);
        assert.equal(reports.length, 1);
        assert.equal(reports[0]?.eventsRemoved, 2);
        assert.throws(() => startScavenger(store, { intervalMs: 5 }), /intervalMs/);
      });
    });
  });
}
