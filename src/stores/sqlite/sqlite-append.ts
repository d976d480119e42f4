import type { PreparedAppend } from '../../core/append-input.js';
import type { AppendResult } from '../../core/event-store.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import { resolveStoredIds, type StoredEventRef } from '../../core/idempotency.js';
import { categoryOf } from '../../core/stream-id.js';
import { sequencePosition } from '../../core/position.js';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * The body of one append, run inside its `BEGIN IMMEDIATE` transaction (so
 * nothing else writes between the reads and the inserts): reads the stream's
 * version, resolves caller-given ids against stored ones (an idempotent retry
 * returns the original result and writes nothing), checks the expected
 * version, then inserts the events with consecutive versions. Throwing rolls
 * the whole append back.
 */
export function writeAppend(
  statements: SqliteStatements,
  append: PreparedAppend,
  recordedAt: number,
): AppendResult {
  const { streamId, events } = append;
  const actual = statements.streamVersion.get(streamId) ?? 0;
  if (append.hasProvidedIds) {
    const replay = resolveStoredIds(append, storedRefs(statements, append), actual);
    if (replay !== undefined) return replay;
  }
  checkExpectedVersion(streamId, append.expectedVersion, actual);
  const category = categoryOf(streamId);
  const insert = statements.insertEvent;
  let version = actual;
  let position: number | bigint = 0;
  for (const event of events) {
    version += 1;
    position = insert.run(
      streamId,
      version,
      event.id,
      event.type,
      category,
      event.data,
      event.metadata,
      recordedAt,
    ).lastInsertRowid;
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
