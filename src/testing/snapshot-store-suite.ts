import assert from 'node:assert/strict';
import { MAX_STREAM_ID_LENGTH } from '../core/stream-id.js';
import type { SnapshotStore } from '../core/contracts/snapshot-store.js';
import { rejectsWith } from './conformance/fixtures.js';
import type { DescribeFn, ItFn } from './suite-options.js';

/**
 * How {@link runSnapshotStoreSuite} reaches the snapshot store under test.
 *
 * @example
 * ```ts
 * const options: SnapshotSuiteOptions = { describe, it, createSnapshotStore: async () => new InMemorySnapshotStore() };
 * ```
 */
export interface SnapshotSuiteOptions {
  /** The test runner's `describe`. */
  describe: DescribeFn;
  /** The test runner's `it`. */
  it: ItFn;
  /** Returns a new, empty snapshot store on every call (closed with `close()` after each case). */
  createSnapshotStore: () => Promise<SnapshotStore>;
}

/**
 * Runs every case of eventfold's snapshot-store semantics against an
 * implementation: round trips of JSON state, one snapshot per stream, newer
 * versions replace older ones but never the reverse (within a schema version),
 * another schema version always replaces, delete, bad input rejected before
 * any write, concurrent saves, and closing (`close()`, `await using`).
 * Runner-agnostic, like the conformance suite.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runSnapshotStoreSuite } from 'eventfold/testing';
 * runSnapshotStoreSuite('in-memory', { describe, it, createSnapshotStore: async () => new InMemorySnapshotStore() });
 * ```
 */
export function runSnapshotStoreSuite(name: string, options: SnapshotSuiteOptions): void {
  const { describe, it } = options;
  const withStore = async (body: (store: SnapshotStore) => Promise<void>): Promise<void> => {
    const store = await options.createSnapshotStore();
    try {
      await body(store);
    } finally {
      await store.close();
    }
  };

  describe(`eventfold snapshot store: ${name}`, () => {
    it('closes with await using: every call then rejects with StoreClosedError', async () => {
      let disposed: SnapshotStore | undefined;
      {
        await using store = await options.createSnapshotStore();
        disposed = store;
        assert.equal(
          await store.save({ streamId: 'Dispose-1', version: 1, schemaVersion: 1, state: 'kept' }),
          true,
        );
        assert.equal((await store.load('Dispose-1'))?.state, 'kept');
      }
      await rejectsWith(disposed.load('Dispose-1'), 'STORE_CLOSED', 'load after disposal');
      await rejectsWith(
        disposed.save({ streamId: 'Dispose-1', version: 2, schemaVersion: 1, state: 'new' }),
        'STORE_CLOSED',
        'save after disposal',
      );
      await rejectsWith(disposed.delete('Dispose-1'), 'STORE_CLOSED', 'delete after disposal');
      // Closing again, either way, resolves.
      await disposed.close();
      await disposed[Symbol.asyncDispose]();
    });

    it('closes with close(), idempotently, and rejects calls made after it', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Close-1', version: 1, schemaVersion: 1, state: 1 });
        await Promise.all([store.close(), store.close()]);
        await rejectsWith(store.load('Close-1'), 'STORE_CLOSED', 'load after close');
        await rejectsWith(store.delete('Close-1'), 'STORE_CLOSED', 'delete after close');
        await rejectsWith(
          store.save({ streamId: 'Close-1', version: 2, schemaVersion: 1, state: 2 }),
          'STORE_CLOSED',
          'save after close',
        );
      }));

    it('loads nothing for a stream without a snapshot', () =>
      withStore(async (store) => {
        assert.equal(await store.load('Task-none'), undefined);
      }));

    it('returns what was saved, with a createdAt date', () =>
      withStore(async (store) => {
        const state = { title: 'Write docs', tags: ['a', 'b'], done: false, count: 3 };
        assert.equal(
          await store.save({ streamId: 'Task-1', version: 7, schemaVersion: 2, state }),
          true,
        );
        const loaded = await store.load('Task-1');
        assert.ok(loaded !== undefined);
        assert.equal(loaded.streamId, 'Task-1');
        assert.equal(loaded.version, 7);
        assert.equal(loaded.schemaVersion, 2);
        assert.deepEqual(loaded.state, state);
        assert.ok(loaded.createdAt instanceof Date, 'createdAt is a Date');
        assert.ok(!Number.isNaN(loaded.createdAt.getTime()), 'createdAt is a valid date');
      }));

    it('round-trips every kind of JSON state', () =>
      withStore(async (store) => {
        const states: unknown[] = [
          { nested: { deep: { list: [1, -2.5, 1e21, 0, true, null, 'x'] } }, empty: {} },
          [],
          ['a', { b: [] }],
          'a "quoted"\nline ✓ 🚀 \u00e9',
          42,
          -0.125,
          true,
          null,
          { 'key with spaces': 1, ünïcödé: 'ok', '': 'empty key' },
        ];
        for (const [i, state] of states.entries()) {
          await store.save({ streamId: `Json-${i}`, version: 1, schemaVersion: 1, state });
        }
        for (const [i, state] of states.entries()) {
          assert.deepEqual((await store.load(`Json-${i}`))?.state, state, `state ${i}`);
        }
      }));

    it('stores state as JSON: dates come back as ISO strings, undefined keys are dropped', () =>
      withStore(async (store) => {
        const at = new Date('2024-05-06T07:08:09.010Z');
        await store.save({
          streamId: 'Json-date',
          version: 1,
          schemaVersion: 1,
          state: { at, gone: undefined },
        });
        assert.deepEqual((await store.load('Json-date'))?.state, { at: at.toISOString() });
      }));

    it('returns a fresh copy of the state on every load', () =>
      withStore(async (store) => {
        const state = { list: [1, 2] };
        await store.save({ streamId: 'Copy-1', version: 1, schemaVersion: 1, state });
        state.list.push(3);
        const first = (await store.load('Copy-1'))?.state as { list: number[] };
        assert.deepEqual(first.list, [1, 2], 'the saved object is not kept by reference');
        first.list.push(4);
        assert.deepEqual((await store.load('Copy-1'))?.state, { list: [1, 2] });
      }));

    it('keeps one snapshot per stream: a newer (or equal) version replaces it', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-2', version: 5, schemaVersion: 1, state: 'v5' });
        assert.equal(
          await store.save({ streamId: 'Task-2', version: 9, schemaVersion: 1, state: 'v9' }),
          true,
        );
        assert.equal((await store.load('Task-2'))?.state, 'v9');
        assert.equal(
          await store.save({ streamId: 'Task-2', version: 9, schemaVersion: 1, state: 'v9b' }),
          true,
        );
        const loaded = await store.load('Task-2');
        assert.equal(loaded?.version, 9);
        assert.equal(loaded.state, 'v9b');
      }));

    it('never replaces a newer snapshot of the same schema version with an older one', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-3', version: 10, schemaVersion: 1, state: 'v10' });
        assert.equal(
          await store.save({ streamId: 'Task-3', version: 4, schemaVersion: 1, state: 'v4' }),
          false,
        );
        const loaded = await store.load('Task-3');
        assert.equal(loaded?.version, 10);
        assert.equal(loaded.state, 'v10');
      }));

    it('replaces a snapshot of another schema version, even with an older version', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-4', version: 10, schemaVersion: 1, state: 'old' });
        assert.equal(
          await store.save({ streamId: 'Task-4', version: 4, schemaVersion: 2, state: 'new' }),
          true,
        );
        const loaded = await store.load('Task-4');
        assert.equal(loaded?.version, 4);
        assert.equal(loaded.schemaVersion, 2);
        assert.equal(loaded.state, 'new');
      }));

    it('keeps streams apart', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-a', version: 1, schemaVersion: 1, state: 'a' });
        await store.save({ streamId: 'Task-ab', version: 2, schemaVersion: 1, state: 'ab' });
        await store.save({ streamId: 'task-a', version: 3, schemaVersion: 1, state: 'lower' });
        assert.equal((await store.load('Task-a'))?.state, 'a');
        assert.equal((await store.load('Task-ab'))?.state, 'ab');
        assert.equal((await store.load('task-a'))?.state, 'lower', 'stream ids are case-sensitive');
        await store.delete('Task-a');
        assert.equal((await store.load('Task-ab'))?.version, 2);
      }));

    it('deletes a snapshot, and reports whether there was one', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-5', version: 3, schemaVersion: 1, state: {} });
        assert.equal(await store.delete('Task-5'), true);
        assert.equal(await store.load('Task-5'), undefined);
        assert.equal(await store.delete('Task-5'), false);
        assert.equal(
          await store.save({ streamId: 'Task-5', version: 1, schemaVersion: 1, state: 'again' }),
          true,
          'after a delete any version may be saved',
        );
        assert.equal((await store.load('Task-5'))?.state, 'again');
      }));

    it('accepts stream ids of the longest length and with any characters', () =>
      withStore(async (store) => {
        const ids = ['T'.repeat(MAX_STREAM_ID_LENGTH), 'Ünï-cödé 🚀', 'Quote-\'"-; DROP TABLE x'];
        for (const streamId of ids) {
          await store.save({ streamId, version: 1, schemaVersion: 1, state: streamId });
        }
        for (const streamId of ids) assert.equal((await store.load(streamId))?.state, streamId);
      }));

    it('stores a large state', () =>
      withStore(async (store) => {
        const state = Array.from({ length: 10_000 }, (_, i) => ({ i, name: `item ${i}` }));
        await store.save({ streamId: 'Big-1', version: 10_000, schemaVersion: 1, state });
        assert.deepEqual((await store.load('Big-1'))?.state, state);
      }));

    it('rejects bad snapshots before writing anything, and stays usable', () =>
      withStore(async (store) => {
        await store.save({ streamId: 'Task-6', version: 2, schemaVersion: 1, state: 'kept' });
        const base = { streamId: 'Task-6', version: 3, schemaVersion: 1, state: 'new' };
        const bad: [string, unknown, 'VALIDATION' | 'SERIALIZATION'][] = [
          ['a BigInt in the state', { ...base, state: { n: 1n } }, 'SERIALIZATION'],
          ['a function in the state', { ...base, state: { f: () => 1 } }, 'SERIALIZATION'],
          ['NaN in the state', { ...base, state: [Number.NaN] }, 'SERIALIZATION'],
          ['a Map state', { ...base, state: new Map() }, 'SERIALIZATION'],
          ['an undefined state', { ...base, state: undefined }, 'VALIDATION'],
          ['version 0', { ...base, version: 0 }, 'VALIDATION'],
          ['a negative version', { ...base, version: -1 }, 'VALIDATION'],
          ['a fractional version', { ...base, version: 2.5 }, 'VALIDATION'],
          ['a string version', { ...base, version: '3' }, 'VALIDATION'],
          ['a negative schemaVersion', { ...base, schemaVersion: -1 }, 'VALIDATION'],
          ['an empty stream id', { ...base, streamId: '' }, 'VALIDATION'],
          [
            'an over-long stream id',
            { ...base, streamId: 'x'.repeat(MAX_STREAM_ID_LENGTH + 1) },
            'VALIDATION',
          ],
          ['a null snapshot', null, 'VALIDATION'],
        ];
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        bad.push(['a cyclic state', { ...base, state: cyclic }, 'SERIALIZATION']);
        for (const [label, snapshot, code] of bad) {
          await rejectsWith(store.save(snapshot as never), code, label);
        }
        await rejectsWith(store.load(''), 'VALIDATION', 'load of an empty stream id');
        await rejectsWith(store.delete(''), 'VALIDATION', 'delete of an empty stream id');
        const loaded = await store.load('Task-6');
        assert.equal(loaded?.version, 2);
        assert.equal(loaded.state, 'kept');
        assert.equal(await store.save({ ...base, version: 4 }), true, 'still usable');
      }));

    it('ends with the newest of many concurrent saves of one stream', () =>
      withStore(async (store) => {
        const versions = Array.from({ length: 20 }, (_, i) => i + 1);
        for (let i = versions.length - 1; i > 0; i--) {
          const j = (i * 7919) % (i + 1);
          [versions[i], versions[j]] = [versions[j] as number, versions[i] as number];
        }
        await Promise.all(
          versions.map((version) =>
            store.save({ streamId: 'Race-1', version, schemaVersion: 1, state: { version } }),
          ),
        );
        const loaded = await store.load('Race-1');
        assert.equal(loaded?.version, 20);
        assert.deepEqual(loaded.state, { version: 20 });
      }));
  });
}
