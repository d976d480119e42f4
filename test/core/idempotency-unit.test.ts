import { describe, expect, it } from 'vitest';
import type { PreparedAppend } from '../../src/core/append-input.js';
import { EventIdConflictError } from '../../src/core/errors.js';
import type { AppendResult } from '../../src/core/event-store.js';
import { resolveReplayedUnit } from '../../src/core/idempotency.js';
import type { Position } from '../../src/core/position.js';

const entry = (streamId: string): PreparedAppend => ({
  streamId,
  expectedVersion: 2,
  hasProvidedIds: true,
  events: [
    { id: `${streamId}-id`, idProvided: true, type: 'E', data: '{}', metadata: null, tags: [] },
  ],
});
const replay = (streamId: string): AppendResult => ({
  streamId,
  version: 3,
  position: '7' as Position,
});

describe('resolveReplayedUnit (the idempotency rule of a unit of several entries)', () => {
  const entries = [entry('a'), entry('b')];

  it('no entry replayed: write the unit', () => {
    expect(resolveReplayedUnit(entries, [undefined, undefined], [0, 0])).toBeUndefined();
  });

  it('every entry replayed: the original results, in order', () => {
    expect(resolveReplayedUnit(entries, [replay('a'), replay('b')], [3, 3])).toEqual([
      replay('a'),
      replay('b'),
    ]);
  });

  it('some replayed, some not: EventIdConflictError naming the replayed stream', () => {
    let caught: unknown;
    try {
      resolveReplayedUnit(entries, [undefined, replay('b')], [0, 3]);
    } catch (error) {
      caught = error;
    }
    expect(EventIdConflictError.is(caught)).toBe(true);
    const error = caught as EventIdConflictError;
    expect(error.streamId).toBe('b');
    expect(error.actualVersion).toBe(3);
    expect(error.expectedVersion).toBe(2);
    expect(error.conflictingIds).toEqual(['b-id']);
  });
});
