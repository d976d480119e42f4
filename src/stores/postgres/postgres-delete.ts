import type { PoolClient } from 'pg';
import { StreamDeletedError } from '../../core/errors.js';
import { checkExpectedVersion } from '../../core/expected-version.js';
import {
  deletionStreamOf,
  STREAM_DELETED_EVENT_TYPE,
  streamDeletedData,
  visibleStream,
  type DeleteStreamResult,
  type PreparedDeletion,
} from '../../core/stream-deletion.js';
import { categoryOf } from '../../core/stream-id.js';
import { LOCK_SEED } from './migrations/0003-tags-and-commit.js';
import { positionOf } from './postgres-rows.js';

type StateRow = [version: string, deletedVersion: string | null, hard: boolean];

/**
 * Takes the stream's advisory lock exclusively (the key every append to it
 * takes in `commit_events`), then reads its state in a new statement, so
 * every commit the lock waited for is seen. Throws a `StreamDeletedError`
 * for a tombstone.
 */
async function lockedState(
  client: PoolClient,
  s: string,
  streamId: string,
): Promise<{ last: number; deletedVersion: number | null }> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1::text, $2::int))', [
    streamId,
    LOCK_SEED.stream,
  ]);
  const { rows } = await client.query<StateRow>({
    text: `SELECT version::text, deleted_version::text, hard FROM ${s}.streams WHERE stream_id = $1::text`,
    values: [streamId],
    rowMode: 'array',
  });
  const row = rows[0];
  if (row === undefined) return { last: 0, deletedVersion: null };
  if (row[2]) throw new StreamDeletedError(streamId);
  return { last: Number(row[0]), deletedVersion: row[1] === null ? null : Number(row[1]) };
}

/**
 * A deletion inside its transaction: under the stream's lock, checks the
 * tombstone and the expected version, records the deletion and inserts its
 * `$StreamDeleted` event (positions as every event's, so the feed's no-skip
 * rule holds).
 */
export async function deleteInTransaction(
  client: PoolClient,
  s: string,
  deletion: PreparedDeletion,
): Promise<DeleteStreamResult> {
  const { streamId, expectedVersion, hard } = deletion;
  const { last, deletedVersion } = await lockedState(client, s, streamId);
  const visible = visibleStream(last, deletedVersion, null).version;
  checkExpectedVersion(streamId, expectedVersion, visible);
  if (!hard && visible === 0) return { streamId, version: last, position: undefined };
  if (hard)
    await client.query(
      `INSERT INTO ${s}.streams (stream_id, version, hard) VALUES ($1::text, 0, true)
       ON CONFLICT (stream_id) DO UPDATE SET hard = true`,
      [streamId],
    );
  else
    await client.query(
      `UPDATE ${s}.streams SET deleted_version = version WHERE stream_id = $1::text`,
      [streamId],
    );
  const system = deletionStreamOf(streamId);
  const { rows } = await client.query<[string, string]>({
    text: `WITH v AS (
  SELECT coalesce((SELECT version FROM ${s}.streams WHERE stream_id = $1::text), 0) + 1 AS version
), ins AS (
  INSERT INTO ${s}.events (stream_id, version, category, event_id, type, data, metadata)
    SELECT $1::text, v.version, $2::text, gen_random_uuid(), $3::text, $4::text, NULL FROM v
    RETURNING transaction_id, global_position, version
), st AS (
  INSERT INTO ${s}.streams (stream_id, version) SELECT $1::text, version FROM ins
    ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version
)
SELECT transaction_id::text, global_position::text FROM ins`,
    values: [
      system,
      categoryOf(system),
      STREAM_DELETED_EVENT_TYPE,
      streamDeletedData(streamId, last, hard),
    ],
    rowMode: 'array',
  });
  const row = rows[0] as [string, string];
  return { streamId, version: last, position: positionOf(row[0], row[1]) };
}

/** A truncation inside its transaction: under the stream's lock, raises `truncate_before`. */
export async function truncateInTransaction(
  client: PoolClient,
  s: string,
  streamId: string,
  before: number,
): Promise<void> {
  await lockedState(client, s, streamId);
  await client.query(
    `INSERT INTO ${s}.streams (stream_id, version, truncate_before) VALUES ($1::text, 0, $2::bigint)
     ON CONFLICT (stream_id) DO UPDATE
       SET truncate_before = greatest(coalesce(${s}.streams.truncate_before, 1), excluded.truncate_before)`,
    [streamId, before],
  );
}
