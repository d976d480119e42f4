import type { PreparedAppend } from '../../core/append-input.js';
import { AppendConditionError, EventfoldError } from '../../core/errors.js';
import type { AppendResult } from '../../core/event-store.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import {
  resolveReplayedUnit,
  resolveStoredIds,
  type StoredEventRef,
} from '../../core/idempotency.js';
import { categoryOf } from '../../core/stream-id.js';
import { sequencePosition } from '../../core/position.js';
import type { WriteOutcome, WriteUnit } from '../kernel/event-store-driver.js';
import { planEventQuery } from './sql/event-query.js';
import type { SqliteStatements } from './sqlite-statements.js';
import { sqliteStreamStates } from './sqlite-stream-states.js';

/**
 * The versions of the streams written so far in a commit of several units, so
 * a later unit on the same stream skips the version read (`undefined` for a
 * lone unit).
 */
type StreamVersions = Map<string, number> | undefined;

/**
 * The body of one commit, run inside its `BEGIN IMMEDIATE` transaction (so no
 * other connection writes between the checks and the inserts): writes the
 * units in order, each checked on its own before any of its writes, so a later
 * unit sees the versions, ids and events of the earlier ones (they are in the
 * transaction already). A unit refused by a check (an `EventfoldError`) is left
 * out with its error; any other error (the database's) is thrown, which rolls
 * the whole commit back.
 */
export function writeUnits(
  statements: SqliteStatements,
  units: readonly WriteUnit<number>[],
  recordedAt: number,
): WriteOutcome[] {
  const outcomes = new Array<WriteOutcome>(units.length);
  const versions: StreamVersions = units.length > 1 ? new Map() : undefined;
  for (let u = 0; u < units.length; u++) {
    try {
      outcomes[u] = {
        ok: true,
        results: writeUnit(statements, units[u] as WriteUnit<number>, recordedAt, versions),
      };
    } catch (error) {
      if (!(error instanceof EventfoldError)) throw error;
      outcomes[u] = { ok: false, error };
    }
  }
  return outcomes;
}

/**
 * One unit: reads each stream's version, resolves caller-given ids against
 * stored ones (a unit whose every entry is an idempotent retry returns the
 * original results and writes nothing; a mix of retries and new entries is an
 * id conflict), checks the expected versions, then the condition, then
 * inserts. Throws the first failed check before writing anything.
 */
function writeUnit(
  statements: SqliteStatements,
  unit: WriteUnit<number>,
  recordedAt: number,
  versions: StreamVersions,
): AppendResult[] {
  const { entries, condition } = unit;
  const actual = new Array<number>(entries.length); // the last stored version: numbering goes on from it
  const visible = new Array<number>(entries.length); // the version checks see (0 after a soft delete)
  const replayed = new Array<AppendResult | undefined>(entries.length);
  let replays = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as PreparedAppend;
    const written = versions?.get(entry.streamId);
    if (written !== undefined) {
      actual[i] = written;
      visible[i] = written;
    } else {
      const stored = statements.streamVersion.get(entry.streamId) ?? 0;
      // A tombstone throws a StreamDeletedError here: the unit fails, nothing of it written.
      const state = sqliteStreamStates.visible(statements.database, entry.streamId, stored);
      actual[i] = state.last;
      visible[i] = state.version;
    }
    if (entry.hasProvidedIds) {
      const replay = resolveStoredIds(entry, storedRefs(statements, entry), visible[i] as number);
      if (replay !== undefined) replays++;
      replayed[i] = replay;
    }
  }
  if (replays > 0) {
    const results = resolveReplayedUnit(entries, replayed, visible);
    if (results !== undefined) return results;
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as PreparedAppend;
    checkExpectedVersion(entry.streamId, entry.expectedVersion, visible[i] as number);
  }
  if (condition !== undefined) {
    const plan = planEventQuery(condition.query);
    const params = { ...plan.params, after: condition.after ?? 0, limit: 1 };
    if (statements.queryMatchExists(plan).get(params) === 1)
      throw new AppendConditionError(
        entries.map((e) => e.streamId),
        condition.position,
      );
  }
  const results = new Array<AppendResult>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const result = insertEntry(
      statements,
      entries[i] as PreparedAppend,
      actual[i] as number,
      recordedAt,
    );
    versions?.set(result.streamId, result.version);
    results[i] = result;
  }
  return results;
}

/** Inserts one entry's events after version `actual`, with their tags. */
function insertEntry(
  statements: SqliteStatements,
  append: PreparedAppend,
  actual: number,
  recordedAt: number,
): AppendResult {
  const { streamId, events } = append;
  const category = categoryOf(streamId);
  const { insertEvent, insertTags } = statements;
  let version = actual;
  let position = 0;
  for (const event of events) {
    version += 1;
    const tags = event.tags.length === 0 ? null : JSON.stringify(event.tags);
    position = insertEvent.run(
      streamId,
      version,
      event.id,
      event.type,
      category,
      event.data,
      event.metadata,
      recordedAt,
      tags,
      event.schemaVersion ?? null,
    ).lastInsertRowid as number;
    if (tags !== null) insertTags.run(position, tags);
  }
  return { streamId, version, position: sequencePosition(position) };
}

/** Where the caller-given ids of `append` are already stored. */
function storedRefs(statements: SqliteStatements, append: PreparedAppend): StoredEventRef[] {
  const ids: string[] = [];
  for (const event of append.events) if (event.idProvided) ids.push(event.id);
  return statements.eventsById.all(JSON.stringify(ids)).map((row) => ({
    id: row.event_id,
    streamId: row.stream_id,
    version: row.version,
    position: sequencePosition(row.position),
  }));
}
