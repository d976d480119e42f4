import type { PreparedAppend } from '../../core/append-input.js';
import {
  AppendConditionError,
  ConcurrencyError,
  DatabaseError,
  EventIdConflictError,
  StreamDeletedError,
} from '../../core/errors.js';
import type { AppendResult } from '../../core/event-store.js';
import { resolveStoredIds, type StoredEventRef } from '../../core/idempotency.js';
import type { WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import type { PostgresCursor } from './postgres-driver.js';
import { positionOf } from './postgres-rows.js';
import type { CommitEventsRow } from './sql/commit-events.js';

type Unit = WriteUnit<PostgresCursor>;

/** Runs one `commit_events` call for `units` (ids distinct across them) and returns its rows. */
export type CommitCall = (units: readonly Unit[]) => Promise<CommitEventsRow[]>;

/** What a commit did: one outcome per unit, and whether anything was written. */
export interface CommitResult {
  readonly outcomes: WriteOutcome[];
  readonly written: boolean;
}

/**
 * Commits `units` through `call`: in batches whose event ids are distinct
 * (a later unit repeating an earlier unit's id goes to the next call, which
 * sees it stored), and again for the units left out when a call found stored
 * ids (it writes nothing then; those units are settled by the idempotency
 * rule). A failure of the first call rejects; of a later one, fails the units
 * not yet settled (the earlier calls committed).
 */
export async function commitUnits(units: readonly Unit[], call: CommitCall): Promise<CommitResult> {
  const outcomes = new Array<WriteOutcome | undefined>(units.length);
  let pending = units.map((_, i) => i);
  let written = false;
  let calls = 0;
  while (pending.length > 0) {
    const batch = distinctIdPrefix(pending, units);
    let rows: CommitEventsRow[];
    try {
      rows = await call(batch.map((i) => units[i] as Unit));
    } catch (error) {
      if (calls === 0) throw error;
      for (const i of pending) outcomes[i] = { ok: false, error };
      break;
    }
    calls++;
    const left = settle(
      batch.map((i) => units[i] as Unit),
      rows,
    );
    const retry = new Set<number>();
    left.forEach((outcome, k) => {
      const index = batch[k] as number;
      if (outcome === undefined) retry.add(index);
      else {
        outcomes[index] = outcome;
        if (outcome.ok && rows.some((row) => row.o_kind === 'unit')) written = true;
      }
    });
    pending = pending.filter((i) => !batch.includes(i) || retry.has(i));
  }
  return { outcomes: outcomes.map((o) => o ?? { ok: false, error: noOutcome() }), written };
}

function noOutcome(): DatabaseError {
  return new DatabaseError('PostgreSQL commit failed: commit_events returned no outcome');
}

/** The longest prefix of `pending` whose given event ids are distinct (at least one unit). */
function distinctIdPrefix(pending: readonly number[], units: readonly Unit[]): number[] {
  const seen = new Set<string>();
  const batch: number[] = [];
  for (const i of pending) {
    const unit = units[i] as Unit;
    const ids = unit.entries.flatMap((entry) =>
      entry.hasProvidedIds ? entry.events.filter((e) => e.idProvided).map((e) => e.id) : [],
    );
    if (batch.length > 0 && ids.some((id) => seen.has(id))) break;
    for (const id of ids) seen.add(id);
    batch.push(i);
  }
  return batch;
}

/**
 * The outcome of each unit of one call; `undefined` for a unit to send again
 * (the call found stored ids elsewhere and wrote nothing).
 */
function settle(
  batch: readonly Unit[],
  rows: readonly CommitEventsRow[],
): (WriteOutcome | undefined)[] {
  const entries = batch.flatMap((unit) => unit.entries);
  if (rows.some((row) => row.o_kind === 'existing')) return settleStored(batch, rows);
  const results = new Map<number, AppendResult>();
  for (const row of rows) {
    if (row.o_kind !== 'entry' || row.o_index === null) continue;
    const entry = entries[row.o_index - 1];
    if (entry === undefined) continue;
    results.set(row.o_index, {
      streamId: entry.streamId,
      version: Number(row.o_version),
      position: positionOf(row.o_transaction_id ?? '0', row.o_global_position ?? '0'),
    });
  }
  let first = 1;
  return batch.map((unit, u): WriteOutcome | undefined => {
    const from = first;
    first += unit.entries.length;
    const row = rows.find((r) => r.o_kind === 'unit' && r.o_index === u + 1);
    if (row === undefined) return { ok: false, error: noOutcome() };
    if (row.o_status === 'conflict') {
      const entry = entries[Number(row.o_version) - 1] as PreparedAppend;
      const error = new ConcurrencyError(
        entry.streamId,
        entry.expectedVersion,
        Number(row.o_actual),
      );
      return { ok: false, error };
    }
    if (row.o_status === 'deleted') {
      const entry = entries[Number(row.o_version) - 1] as PreparedAppend;
      return { ok: false, error: new StreamDeletedError(entry.streamId) };
    }
    if (row.o_status === 'condition') {
      const streams = unit.entries.map((e) => e.streamId);
      return { ok: false, error: new AppendConditionError(streams, unit.condition?.position) };
    }
    const list: AppendResult[] = [];
    for (let i = from; i < first; i++) {
      const result = results.get(i);
      if (result === undefined) return { ok: false, error: noOutcome() };
      list.push(result);
    }
    return { ok: true, results: list };
  });
}

/** Settles the units whose given ids are stored (replay or conflict); the others are sent again. */
function settleStored(
  batch: readonly Unit[],
  rows: readonly CommitEventsRow[],
): (WriteOutcome | undefined)[] {
  const stored = new Map<string, StoredEventRef>();
  const actual = new Map<number, number>();
  for (const row of rows) {
    if (row.o_kind === 'existing' && row.o_event_id !== null) {
      stored.set(row.o_event_id, {
        id: row.o_event_id,
        streamId: row.o_stream_id ?? '',
        version: Number(row.o_version),
        position: positionOf(row.o_transaction_id ?? '0', row.o_global_position ?? '0'),
      });
    } else if (row.o_kind === 'entry' && row.o_index !== null) {
      actual.set(row.o_index, Number(row.o_actual));
    }
  }
  let next = 1;
  return batch.map((unit): WriteOutcome | undefined => {
    const found = unit.entries.map((entry) => {
      const index = next++;
      const refs = entry.events.flatMap((event) => {
        const ref = event.idProvided ? stored.get(event.id) : undefined;
        return ref === undefined ? [] : [ref];
      });
      return { entry, refs, actual: actual.get(index) ?? 0 };
    });
    if (found.every((f) => f.refs.length === 0)) return undefined;
    try {
      const results = found.map((f) => resolveStoredIds(f.entry, f.refs, f.actual));
      if (results.every((r) => r !== undefined)) return { ok: true, results };
      const some = found.find((f) => f.refs.length > 0);
      if (some === undefined) return undefined;
      const { entry, refs } = some;
      const ids = refs.map((r) => r.id);
      const error = new EventIdConflictError(
        entry.streamId,
        entry.expectedVersion,
        some.actual,
        ids,
      );
      return { ok: false, error };
    } catch (error) {
      return { ok: false, error };
    }
  });
}
