import type { PoolClient } from 'pg';
import { StreamDeletedError } from '../../core/errors.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import { scavengeBelow } from '../../core/stream-deletion.js';
import { checkMetadataVersion, type PreparedStreamMetadata } from '../../core/stream-metadata.js';
import type { StoredStreamMetadata } from '../kernel/event-store-driver.js';
import { LOCK_SEED } from './migrations/0003-tags-and-commit.js';
import { visibleStartSql } from './sql/read-stream.js';

/** A stream's metadata as read: `[hard, metadata, metadata_version]`. */
type MetadataRow = [hard: boolean, metadata: string | null, version: string];

/** The SQL reading a stream's metadata (`$1` stream id). */
export function metadataSql(s: string): string {
  return `SELECT hard, metadata, metadata_version::text FROM ${s}.streams WHERE stream_id = $1::text`;
}

/** A metadata row read back; throws for a tombstone. */
export function storedMetadata(
  streamId: string,
  row: readonly unknown[] | undefined,
): StoredStreamMetadata {
  if (row === undefined) return { json: null, version: 0 };
  const [hard, json, version] = row as MetadataRow;
  if (hard) throw new StreamDeletedError(streamId);
  return { json, version: Number(version) };
}

/** Takes the stream's advisory lock exclusively: the key every append to it takes in `commit_events`. */
async function lockStream(client: PoolClient, streamId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1::text, $2::int))', [
    streamId,
    LOCK_SEED.stream,
  ]);
}

/** Sets the metadata inside its transaction, under the stream's lock; returns its new version. */
export async function setMetadataInTransaction(
  client: PoolClient,
  s: string,
  metadata: PreparedStreamMetadata,
): Promise<number> {
  const { streamId } = metadata;
  await lockStream(client, streamId);
  const { rows } = await client.query<unknown[]>({
    text: metadataSql(s),
    values: [streamId],
    rowMode: 'array',
  });
  const current = storedMetadata(streamId, rows[0]).version;
  checkMetadataVersion(streamId, metadata.expectedMetadataVersion, current);
  await client.query(
    `INSERT INTO ${s}.streams (stream_id, version, metadata, max_age, max_count, metadata_version)
       VALUES ($1::text, 0, $2::text, $3::bigint, $4::bigint, $5::bigint)
     ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata, max_age = excluded.max_age,
       max_count = excluded.max_count, metadata_version = excluded.metadata_version`,
    [streamId, metadata.json, metadata.maxAge, metadata.maxCount, current + 1],
  );
  return current + 1;
}

/** The SQL of the streams a scavenge visits (`$1` after, `$2` limit), in code point order. */
export function scavengeTargetsSql(s: string): string {
  return `SELECT stream_id FROM ${s}.streams
  WHERE stream_id COLLATE "C" > $1::text AND (hard OR deleted_version IS NOT NULL
    OR truncate_before IS NOT NULL OR max_age IS NOT NULL OR max_count IS NOT NULL)
  ORDER BY stream_id COLLATE "C" LIMIT $2::bigint`;
}

type StateRow = [version: string, deletedVersion: string | null, hard: boolean, start: string];

/**
 * One batch of a scavenge inside its transaction, under the stream's lock:
 * deletes up to `limit` of the events `scavengeBelow` gives, lowest versions
 * first, with their tags; only rows below the feed horizon (committed before
 * every transaction still running began, so every feed reader can have
 * passed them), by `DELETE`: positions are never renumbered.
 */
export async function scavengeInTransaction(
  client: PoolClient,
  s: string,
  streamId: string,
  limit: number,
): Promise<ScavengeChunk> {
  await lockStream(client, streamId);
  const state = await client.query<StateRow>({
    text: `SELECT st.version::text, st.deleted_version::text, st.hard, ${visibleStartSql(s)}::text
      FROM ${s}.streams st WHERE st.stream_id = $1::text`,
    values: [streamId],
    rowMode: 'array',
  });
  const row = state.rows[0];
  if (row === undefined) return { removed: 0, tombstoned: false };
  const [version, deletedVersion, hard, start] = row;
  const deleted = deletedVersion === null ? null : Number(deletedVersion);
  const below = scavengeBelow(Number(version), deleted, hard, Number(start));
  const { rows } = await client.query<[number]>({
    text: `WITH victims AS (
  SELECT transaction_id, global_position, tags FROM ${s}.events
  WHERE stream_id = $1::text AND version < $2::bigint
    AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY version LIMIT $3::bigint
), untagged AS (
  DELETE FROM ${s}.event_tags t USING victims v
  WHERE v.tags IS NOT NULL AND t.tag = ANY (v.tags)
    AND t.transaction_id = v.transaction_id AND t.global_position = v.global_position
), removed AS (
  DELETE FROM ${s}.events e USING victims v
  WHERE e.transaction_id = v.transaction_id AND e.global_position = v.global_position
  RETURNING 1
)
SELECT count(*)::int FROM removed`,
    values: [streamId, Math.min(below, Number.MAX_SAFE_INTEGER), limit],
    rowMode: 'array',
  });
  return { removed: rows[0]?.[0] ?? 0, tombstoned: hard };
}
