import { EventIdConflictError } from './errors.js';
import type { PreparedAppend } from './append-input.js';
import type { Position } from './position.js';
import type { AppendResult } from './event-store.js';

/** Where an already-stored event id lives (for backend authors). */
export interface StoredEventRef {
  readonly id: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: Position;
}

/**
 * Decides what an append whose events carry their own ids means, given which of
 * those ids are already stored (`existing`) and the stream's actual version:
 * - none stored: `undefined`, append normally;
 * - all stored, in this stream, at consecutive versions in the same order, where
 *   the expected version would have put them: an idempotent retry, so the
 *   original result is returned and nothing is written;
 * - anything else (partial overlap, other stream, other positions): an
 *   {@link EventIdConflictError}.
 */
export function resolveStoredIds(
  append: PreparedAppend,
  existing: readonly StoredEventRef[],
  actualVersion: number,
): AppendResult | undefined {
  if (existing.length === 0) return undefined;
  const conflict = () =>
    new EventIdConflictError(
      append.streamId,
      append.expectedVersion,
      actualVersion,
      existing.map((e) => e.id),
    );
  if (existing.length !== append.events.length) throw conflict();
  const byId = new Map(existing.map((e) => [e.id, e]));
  const first = byId.get(append.events[0]?.id ?? '');
  if (first === undefined) throw conflict();
  let last = first;
  for (let i = 0; i < append.events.length; i++) {
    const ref = byId.get(append.events[i]?.id ?? '');
    if (ref?.streamId !== append.streamId || ref.version !== first.version + i) throw conflict();
    last = ref;
  }
  const expected = append.expectedVersion;
  if (expected === 'no_stream' && first.version !== 1) throw conflict();
  if (typeof expected === 'number' && first.version !== expected + 1) throw conflict();
  return { streamId: append.streamId, version: last.version, position: last.position };
}

/**
 * Decides what a unit of several entries (an `appendMany`) means, given each
 * entry's {@link resolveStoredIds} answer (`replays[i]`, `undefined` for a new
 * entry) and each stream's actual version (for backend authors):
 * - no entry replayed: `undefined`, write the unit normally;
 * - every entry replayed: the original results, nothing is written and the
 *   unit's condition is not checked;
 * - some replayed and some not: an {@link EventIdConflictError} naming the
 *   first replayed entry's stream (a retry must repeat the whole call).
 */
export function resolveReplayedUnit(
  entries: readonly PreparedAppend[],
  replays: readonly (AppendResult | undefined)[],
  actualVersions: readonly number[],
): AppendResult[] | undefined {
  const i = replays.findIndex((r) => r !== undefined);
  if (i === -1) return undefined;
  if (replays.every((r) => r !== undefined)) return [...(replays as AppendResult[])];
  const entry = entries[i] as PreparedAppend;
  throw new EventIdConflictError(
    entry.streamId,
    entry.expectedVersion,
    actualVersions[i] ?? 0,
    entry.events.map((e) => e.id),
  );
}
