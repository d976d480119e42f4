import { describe, expect, it } from 'vitest';
import type { Position, RecordedEvent } from '../../src/index.js';
import { sequencePosition } from '../../src/core/position.js';
import { applyOutcome, type OutcomeWriter } from '../../src/subscriptions/index.js';

const event: RecordedEvent = {
  streamId: 'Task-1',
  version: 1,
  position: sequencePosition(1),
  id: 'e1',
  type: 'Created',
  data: {},
  metadata: {},
  recordedAt: new Date(0),
  tags: [],
};
const letter = { subscription: 'sub', event, error: { name: 'Error', message: 'x' }, attempts: 2 };

/** A writer logging its calls, synchronous or not. */
function logWriter(log: string[]): OutcomeWriter<void> {
  return {
    park: (l) => void log.push(`park ${l.subscription} ${l.event.id}`),
    unpark: (s, id) => void log.push(`unpark ${s} ${id}`),
    clearDeadLetters: (s) => void log.push(`clear ${s}`),
    saveCheckpoint: (name, position: Position | null) =>
      void log.push(`checkpoint ${name} ${position ?? 'start'}`),
  };
}

describe('applyOutcome', () => {
  it('writes in order, synchronously for a synchronous writer: park, unpark, resets, the own checkpoint last', () => {
    const log: string[] = [];
    const result = applyOutcome(
      { park: letter, unpark: 'e0', reset: ['other'], checkpoint: sequencePosition(5) },
      'sub',
      logWriter(log),
    );
    expect(result).toBeUndefined();
    expect(log).toEqual([
      'park sub e1',
      'unpark sub e0',
      'clear other',
      'checkpoint other start',
      `checkpoint sub ${sequencePosition(5)}`,
    ]);
  });

  it('sends the own checkpoint back to the start when the scope is reset, whatever checkpoint is given', () => {
    const log: string[] = [];
    applyOutcome(
      { reset: ['sub[1/2]', 'sub[0/2]'], checkpoint: sequencePosition(9) },
      'sub[0/2]',
      logWriter(log),
    );
    expect(log).toEqual([
      'clear sub[1/2]',
      'checkpoint sub[1/2] start',
      'clear sub[0/2]',
      'checkpoint sub[0/2] start',
    ]);
  });

  it('writes nothing for an empty outcome, and leaves the checkpoint alone without one', () => {
    const log: string[] = [];
    applyOutcome({}, 'sub', logWriter(log));
    applyOutcome({ unpark: 'e1' }, 'sub', logWriter(log));
    expect(log).toEqual(['unpark sub e1']);
  });

  it('waits for each write of an asynchronous writer before the next', async () => {
    const log: string[] = [];
    const sync = logWriter(log);
    const later = (write: () => void, ms: number) =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          write();
          resolve();
        }, ms),
      );
    const writer: OutcomeWriter<Promise<void>> = {
      park: (l) => later(() => sync.park(l), 15),
      unpark: (s, id) => later(() => sync.unpark(s, id), 10),
      clearDeadLetters: (s) => later(() => sync.clearDeadLetters(s), 5),
      saveCheckpoint: (n, p) => later(() => sync.saveCheckpoint(n, p), 1),
    };
    const done = applyOutcome(
      { park: letter, unpark: 'e0', reset: ['a'], checkpoint: null },
      'sub',
      writer,
    );
    expect(done).toBeInstanceOf(Promise);
    expect(log).toEqual([]);
    await done;
    expect(log).toEqual([
      'park sub e1',
      'unpark sub e0',
      'clear a',
      'checkpoint a start',
      'checkpoint sub start',
    ]);
  });

  it('checks every reset name before writing anything', () => {
    const log: string[] = [];
    expect(() => applyOutcome({ park: letter, reset: ['ok', ''] }, 'sub', logWriter(log))).toThrow(
      /subscription name/,
    );
    expect(log).toEqual([]);
  });
});
