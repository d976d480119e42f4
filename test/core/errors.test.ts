import { describe, expect, it, vi } from 'vitest';
import { AggregateNotFoundError } from '../../src/aggregates/index.js';
import {
  ConcurrencyError,
  DatabaseError,
  EventIdConflictError,
  EventfoldError,
  MigrationError,
  OptimisticLockError,
  SerializationError,
  StoreClosedError,
  StreamNotFoundError,
  ValidationError,
} from '../../src/index.js';

describe('errors', () => {
  it('carry a code, a name and their fields', () => {
    const error = new ConcurrencyError('Task-1', 1, 2);
    expect(error.code).toBe('CONCURRENCY');
    expect(error.name).toBe('ConcurrencyError');
    expect(error.message).toBe(
      'Concurrency conflict on stream "Task-1": expected version 1, actual version 2',
    );
    expect([error.streamId, error.expectedVersion, error.actualVersion]).toEqual(['Task-1', 1, 2]);
    expect(error).toBeInstanceOf(EventfoldError);
    expect(error).toBeInstanceOf(Error);
    expect(OptimisticLockError).toBe(ConcurrencyError);
  });

  it('give every class its own code', () => {
    const codes = [
      new EventfoldError('x'),
      new ConcurrencyError('s', 'any', 0),
      new EventIdConflictError('s', 'any', 0, ['a']),
      new StreamNotFoundError('s'),
      new SerializationError('bad', 'data'),
      new ValidationError('bad'),
      new DatabaseError('down'),
      new MigrationError('newer'),
      new AggregateNotFoundError('a-1', 'Task'),
      new StoreClosedError(),
    ].map((e) => e.code);
    expect(codes).toEqual([
      'EVENTFOLD_ERROR',
      'CONCURRENCY',
      'EVENT_ID_CONFLICT',
      'STREAM_NOT_FOUND',
      'SERIALIZATION',
      'VALIDATION',
      'DATABASE',
      'MIGRATION',
      'AGGREGATE_NOT_FOUND',
      'STORE_CLOSED',
    ]);
  });

  it('guards recognise subclasses and reject other errors', () => {
    const conflict = new EventIdConflictError('s', 1, 3, ['id']);
    expect(ConcurrencyError.is(conflict)).toBe(true);
    expect(EventIdConflictError.is(conflict)).toBe(true);
    expect(EventfoldError.is(conflict)).toBe(true);
    expect(ValidationError.is(conflict)).toBe(false);
    expect(EventIdConflictError.is(new ConcurrencyError('s', 1, 3))).toBe(false);
    expect(MigrationError.is(new MigrationError('m'))).toBe(true);
    expect(DatabaseError.is(new MigrationError('m'))).toBe(true);
    for (const other of [new Error('x'), null, undefined, 'CONCURRENCY', { code: 'CONCURRENCY' }]) {
      expect(ConcurrencyError.is(other)).toBe(false);
    }
  });

  it('guards work across two copies of the package', async () => {
    // A second copy of the module (a different module instance, as two installed copies would be).
    vi.resetModules();
    const copy = await import('../../src/core/errors.js');
    expect(copy.ConcurrencyError).not.toBe(ConcurrencyError);
    const foreign = new copy.ConcurrencyError('s', 1, 2);
    expect(foreign instanceof ConcurrencyError).toBe(false);
    expect(ConcurrencyError.is(foreign)).toBe(true);
    expect(EventfoldError.is(foreign)).toBe(true);
    expect(ValidationError.is(foreign)).toBe(false);
    expect(copy.ConcurrencyError.is(new ConcurrencyError('s', 1, 2))).toBe(true);
  });

  it('keep the cause', () => {
    const cause = new Error('socket closed');
    expect(new DatabaseError('lost', { cause }).cause).toBe(cause);
  });
});
