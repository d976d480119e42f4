import type { PreparedAppend } from '../../core/append-input.js';
import { ConcurrencyError, DatabaseError } from '../../core/errors.js';
import type { AppendResult } from '../../core/event-store.js';
import { resolveStoredIds, type StoredEventRef } from '../../core/idempotency.js';
import { positionOf } from './postgres-rows.js';
import type { AppendEventsRow } from './sql/append-events.js';

/** What an `append_events` call did: the append's result, and whether it wrote anything. */
export interface AppendOutcome {
  readonly result: AppendResult;
  readonly written: boolean;
}

/**
 * Interprets the rows of an `append_events` call with the core's rules: stored
 * ids make an idempotent retry or an {@link EventIdConflictError}; a version
 * mismatch is a {@link ConcurrencyError} carrying the version read in the
 * transaction.
 */
export function appendOutcome(
  append: PreparedAppend,
  rows: readonly AppendEventsRow[],
): AppendOutcome {
  const first = rows[0];
  if (first === undefined)
    throw new DatabaseError('PostgreSQL append failed: append_events returned no row');
  const actual = Number(first.o_actual);
  if (first.o_status === 'existing') {
    const existing: StoredEventRef[] = rows.map((row) => ({
      id: row.o_event_id ?? '',
      streamId: row.o_stream_id ?? '',
      version: Number(row.o_version),
      position: positionOf(row.o_transaction_id ?? '0', row.o_global_position ?? '0'),
    }));
    const replay = resolveStoredIds(append, existing, actual);
    if (replay !== undefined) return { result: replay, written: false };
    throw new DatabaseError('PostgreSQL append failed: stored event ids could not be resolved');
  }
  if (first.o_status === 'conflict') {
    throw new ConcurrencyError(append.streamId, append.expectedVersion, actual);
  }
  return {
    result: {
      streamId: append.streamId,
      version: Number(first.o_version),
      position: positionOf(first.o_transaction_id ?? '0', first.o_global_position ?? '0'),
    },
    written: true,
  };
}

/** A unique violation on an event id or stream version: another writer won a race, and a retry will see it. */
export function isRacedUniqueViolation(error: unknown, append: PreparedAppend): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return false;
  return (
    constraint === 'events_stream_version_key' ||
    (constraint === 'events_event_id_key' && append.hasProvidedIds)
  );
}
