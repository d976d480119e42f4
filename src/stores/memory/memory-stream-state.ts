import { StreamDeletedError } from '../../core/errors.js';
import { visibleStream } from '../../core/stream-deletion.js';
import {
  checkMetadataVersion,
  expiryCutoff,
  retainedFrom,
  type PreparedStreamMetadata,
  type Retention,
} from '../../core/stream-metadata.js';
import type { StoredStreamMetadata } from '../kernel/event-store-driver.js';

/** What the in-memory store keeps beside a stream's events once it is deleted, truncated, given metadata or scavenged. */
export interface MemoryStreamState {
  /** The last version at its latest soft delete (`null`: none). */
  deletedVersion: number | null;
  /** Its truncation (`null`: none). */
  truncateBefore: number | null;
  /** Tombstoned. */
  hard: boolean;
  /** Its metadata as JSON (`null`: never set) and how many times it was set. */
  metadataJson: string | null;
  metadataVersion: number;
  retention: Retention;
  /** How many of its first versions a scavenge removed (its stored events start after them). */
  removed: number;
}

/** A fresh state: nothing deleted, truncated, set or removed. */
export function newStreamState(): MemoryStreamState {
  return {
    deletedVersion: null,
    truncateBefore: null,
    hard: false,
    metadataJson: null,
    metadataVersion: 0,
    retention: { maxAge: null, maxCount: null },
    removed: 0,
  };
}

/** What the visibility rules read of a stored event. */
interface TimedRow {
  readonly version: number;
  readonly recordedAt: Date;
}

/** A stream's visibility: its first visible version, its visible version, its last stored version. */
export interface MemoryVisibility {
  readonly start: number;
  readonly version: number;
  readonly last: number;
}

/**
 * The visibility of a stream whose stored events are `rows` (versions
 * `state.removed + 1` on): deletion, truncation, retention (`maxCount`, and
 * `maxAge` measured now) and what a scavenge removed. Throws a
 * `StreamDeletedError` for a tombstone unless `tombstones` is set.
 */
export function memoryVisibility(
  streamId: string,
  rows: readonly TimedRow[],
  state: MemoryStreamState | undefined,
  tombstones = false,
): MemoryVisibility {
  if (state === undefined) return { start: 1, version: rows.length, last: rows.length };
  if (state.hard && !tombstones) throw new StreamDeletedError(streamId);
  const last = state.removed + rows.length;
  const retain = Math.max(
    state.removed + 1,
    retainedFrom(last, state.retention, lastExpired(rows, state.retention)),
  );
  const visible = visibleStream(last, state.deletedVersion, state.truncateBefore, retain);
  return { ...visible, last };
}

/** The version of the last event recorded before the stream's `maxAge` (0: none, or no `maxAge`). */
function lastExpired(rows: readonly TimedRow[], retention: Retention): number {
  if (retention.maxAge === null) return 0;
  const cutoff = expiryCutoff(retention.maxAge);
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i] as TimedRow;
    if (row.recordedAt.getTime() < cutoff) return row.version;
  }
  return 0;
}

/** A stream's stored metadata; throws for a tombstone. */
export function storedMetadataOf(
  streamId: string,
  state: MemoryStreamState | undefined,
): StoredStreamMetadata {
  if (state?.hard === true) throw new StreamDeletedError(streamId);
  return { json: state?.metadataJson ?? null, version: state?.metadataVersion ?? 0 };
}

/** Checks the expected metadata version and stores the metadata in `state`; returns its new version. */
export function setMetadataOf(state: MemoryStreamState, metadata: PreparedStreamMetadata): number {
  const { streamId, expectedMetadataVersion } = metadata;
  checkMetadataVersion(streamId, expectedMetadataVersion, state.metadataVersion);
  state.metadataJson = metadata.json;
  state.retention = { maxAge: metadata.maxAge, maxCount: metadata.maxCount };
  state.metadataVersion += 1;
  return state.metadataVersion;
}
