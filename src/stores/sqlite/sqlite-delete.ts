import { checkExpectedVersion } from '../../core/expected-version.js';
import { sequencePosition } from '../../core/position.js';
import {
  deletionStreamOf,
  STREAM_DELETED_EVENT_TYPE,
  streamDeletedData,
  type DeleteStreamResult,
  type PreparedDeletion,
} from '../../core/stream-deletion.js';
import { categoryOf } from '../../core/stream-id.js';
import type { SqliteStatements } from './sqlite-statements.js';
import { sqliteStreamStates } from './sqlite-stream-states.js';

/**
 * A deletion, inside its `BEGIN IMMEDIATE` transaction (no other connection
 * writes between the checks and the writes): checks the tombstone and the
 * expected version, records the deletion and appends its `$StreamDeleted` event.
 */
export function deleteInTransaction(
  statements: SqliteStatements,
  deletion: PreparedDeletion,
  recordedAt: number,
): DeleteStreamResult {
  const { streamId, expectedVersion, hard } = deletion;
  const db = statements.database;
  const visible = sqliteStreamStates.visible(
    db,
    streamId,
    statements.streamVersion.get(streamId) ?? 0,
  );
  const last = visible.last;
  checkExpectedVersion(streamId, expectedVersion, visible.version);
  if (!hard && visible.version === 0) return { streamId, version: last, position: undefined };
  if (hard) sqliteStreamStates.hardDelete(db, streamId);
  else sqliteStreamStates.softDelete(db, streamId, last);
  const system = deletionStreamOf(streamId);
  const systemVersion = (statements.streamVersion.get(system) ?? 0) + 1;
  const position = statements.insertEvent.run(
    system,
    systemVersion,
    crypto.randomUUID(),
    STREAM_DELETED_EVENT_TYPE,
    categoryOf(system),
    streamDeletedData(streamId, last, hard),
    null,
    recordedAt,
    null,
    null,
  ).lastInsertRowid as number;
  return { streamId, version: last, position: sequencePosition(position) };
}
