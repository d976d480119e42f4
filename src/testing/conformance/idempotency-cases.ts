import assert from 'node:assert/strict';
import { ConcurrencyError, EventIdConflictError } from '../../core/errors.js';
import type { NewEvent } from '../../core/events.js';
import { assertFeedLength, type CaseContext, rejectsWith, uuid } from './fixtures.js';

function withIds(n: number, type = 'Paid'): NewEvent<string, { n: number }>[] {
  return Array.from({ length: n }, (_, i) => ({ type, data: { n: i }, id: uuid() }));
}

/** The ids of `batch`, sorted (a conflict lists the stored ids in no set order). */
function sortedIds(batch: readonly NewEvent[]): (string | undefined)[] {
  return batch.map((e) => e.id).sort();
}

/** Appends are idempotent by event id; partial or different overlaps conflict. */
export function idempotencyCases({ describe, it, withStore, options }: CaseContext): void {
  describe('idempotent append by event id', () => {
    it('returns the original result for the same events again and writes nothing', () =>
      withStore(async (store) => {
        const batch = withIds(3);
        const first = await store.append('Pay-1', batch, { expectedVersion: 0 });
        const again = await store.append('Pay-1', batch, { expectedVersion: 0 });
        assert.deepEqual(again, first);
        await assertFeedLength(store, 3);
        const withAny = await store.append('Pay-1', batch);
        assert.deepEqual(withAny, first);
        await assertFeedLength(store, 3);
      }));

    it('still recognises the retry after the stream moved on', () =>
      withStore(async (store) => {
        const batch = withIds(2);
        const first = await store.append('Pay-2', batch, { expectedVersion: 0 });
        await store.append('Pay-2', withIds(4), { expectedVersion: 2 });
        assert.deepEqual(await store.append('Pay-2', batch, { expectedVersion: 0 }), first);
        assert.deepEqual(
          await store.append('Pay-2', batch, { expectedVersion: 'no_stream' }),
          first,
        );
        assert.equal(await store.getVersion('Pay-2'), 6);
      }));

    it('recognises a retried single event in the middle of a stream', () =>
      withStore(async (store) => {
        await store.append('Pay-3', withIds(2));
        const one = withIds(1);
        const first = await store.append('Pay-3', one, { expectedVersion: 2 });
        await store.append('Pay-3', withIds(1));
        assert.deepEqual(await store.append('Pay-3', one, { expectedVersion: 2 }), first);
        assert.deepEqual(
          await store.append('Pay-3', one, { expectedVersion: 'stream_exists' }),
          first,
        );
      }));

    it('rejects a partial overlap (some ids stored, some new) and writes nothing', () =>
      withStore(async (store) => {
        const batch = withIds(2);
        await store.append('Pay-4', batch);
        const mixed = [batch[0] as NewEvent, ...withIds(1)];
        const error = await rejectsWith<EventIdConflictError>(
          store.append('Pay-4', mixed),
          'EVENT_ID_CONFLICT',
        );
        assert.deepEqual(error.conflictingIds, [batch[0]?.id]);
        assert.equal(error.actualVersion, 2);
        assert.equal(error.streamId, 'Pay-4');
        await assertFeedLength(store, 2);
      }));

    it('treats an id conflict as a concurrency error', () =>
      withStore(async (store) => {
        const batch = withIds(1);
        await store.append('Pay-5', batch);
        const extra = withIds(1);
        const error = await rejectsWith<EventIdConflictError>(
          store.append('Pay-5', [...batch, ...extra]),
          'EVENT_ID_CONFLICT',
        );
        assert.ok(ConcurrencyError.is(error), 'an EventIdConflictError is a ConcurrencyError');
        assert.ok(EventIdConflictError.is(error));
        assert.ok(error instanceof ConcurrencyError);
        assert.equal(error.name, 'EventIdConflictError');
        assert.equal(error.code, 'EVENT_ID_CONFLICT');
        assert.equal(error.streamId, 'Pay-5');
        assert.equal(error.expectedVersion, 'any');
        assert.equal(error.actualVersion, 1);
        assert.deepEqual(error.conflictingIds, [batch[0]?.id]);
        assert.equal(await store.getVersion('Pay-5'), 1);
      }));

    it('rejects the same ids in another stream', () =>
      withStore(async (store) => {
        const batch = withIds(2);
        await store.append('Pay-6', batch);
        const error = await rejectsWith<EventIdConflictError>(
          store.append('Pay-7', batch, { expectedVersion: 'no_stream' }),
          'EVENT_ID_CONFLICT',
        );
        assert.equal(error.streamId, 'Pay-7');
        assert.equal(error.expectedVersion, 'no_stream');
        assert.equal(error.actualVersion, 0);
        assert.deepEqual([...error.conflictingIds].sort(), sortedIds(batch));
        assert.equal(await store.exists('Pay-7'), false);
        await assertFeedLength(store, 2);
      }));

    it('rejects the same ids in another order', () =>
      withStore(async (store) => {
        const batch = withIds(2);
        await store.append('Pay-8', batch);
        const error = await rejectsWith<EventIdConflictError>(
          store.append('Pay-8', [...batch].reverse()),
          'EVENT_ID_CONFLICT',
        );
        assert.equal(error.streamId, 'Pay-8');
        assert.equal(error.actualVersion, 2);
        assert.deepEqual([...error.conflictingIds].sort(), sortedIds(batch));
        await assertFeedLength(store, 2);
      }));

    it('rejects a retry whose exact expected version would place the events elsewhere', () =>
      withStore(async (store) => {
        const batch = withIds(2);
        await store.append('Pay-9', batch, { expectedVersion: 0 });
        const moved = await rejectsWith<EventIdConflictError>(
          store.append('Pay-9', batch, { expectedVersion: 1 }),
          'EVENT_ID_CONFLICT',
        );
        assert.equal(moved.expectedVersion, 1);
        assert.equal(moved.actualVersion, 2);
        assert.deepEqual([...moved.conflictingIds].sort(), sortedIds(batch));
        await store.append('Pay-10', withIds(1));
        const later = withIds(1);
        await store.append('Pay-10', later, { expectedVersion: 1 });
        const notFirst = await rejectsWith<EventIdConflictError>(
          store.append('Pay-10', later, { expectedVersion: 'no_stream' }),
          'EVENT_ID_CONFLICT',
        );
        assert.equal(notFirst.streamId, 'Pay-10');
        assert.equal(notFirst.expectedVersion, 'no_stream');
        assert.equal(notFirst.actualVersion, 2);
        assert.deepEqual(notFirst.conflictingIds, [later[0]?.id]);
        await assertFeedLength(store, 4);
      }));

    it('rejects two events with one id in the same append, writing nothing', () =>
      withStore(async (store) => {
        const id = uuid();
        await rejectsWith(
          store.append('Pay-11', [
            { type: 'A', data: {}, id },
            { type: 'A', data: {}, id },
          ]),
          'VALIDATION',
        );
        await assertFeedLength(store, 0);
      }));

    if (options.capabilities.durable) {
      it('survives a restart: data, versions and idempotency (durable)', async () => {
        const reopen = options.reopenStore;
        assert.ok(reopen !== undefined, 'a durable store needs reopenStore in the suite options');
        let store = await options.createStore({});
        try {
          const batch = withIds(3);
          const first = await store.append('Pay-12', batch, { expectedVersion: 0 });
          store = await reopen(store, {});
          assert.equal(await store.getVersion('Pay-12'), 3);
          assert.deepEqual(await store.append('Pay-12', batch, { expectedVersion: 0 }), first);
          await assertFeedLength(store, 3);
          const next = await store.append('Pay-12', withIds(1), { expectedVersion: 3 });
          assert.equal(next.version, 4);
          assert.ok(next.position > first.position);
        } finally {
          await store.close();
        }
      });
    }
  });
}
