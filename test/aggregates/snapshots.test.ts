/**
 * InMemorySnapshotStore's lifecycle: `await using` and `close()` stop it and
 * drop the snapshots it holds (it owns them).
 */
import { describe, expect, it } from 'vitest';
import { InMemorySnapshotStore } from '../../src/aggregates/in-memory-snapshot-store.js';
import { StoreClosedError } from '../../src/core/errors.js';
import { rejection } from '../support/rejection.js';

describe('InMemorySnapshotStore lifecycle', () => {
  it('closes with await using, dropping its snapshots', async () => {
    let kept: InMemorySnapshotStore;
    {
      await using snapshots = new InMemorySnapshotStore();
      kept = snapshots;
      await snapshots.save({ streamId: 'Task-1', version: 1, schemaVersion: 1, state: 'a' });
      await snapshots.save({ streamId: 'Task-2', version: 1, schemaVersion: 1, state: 'b' });
      expect(snapshots.size).toBe(2);
    }
    expect(kept.size).toBe(0);
    for (const call of [
      kept.load('Task-1'),
      kept.delete('Task-1'),
      kept.save({ streamId: 'Task-1', version: 2, schemaVersion: 1, state: 'c' }),
    ]) {
      const error = await rejection(call);
      expect(StoreClosedError.is(error)).toBe(true);
    }
    await kept.close();
    await kept[Symbol.asyncDispose]();
    expect(kept.size).toBe(0);
  });
});
