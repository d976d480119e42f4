import { InvalidOptionError, ValidationError } from './errors.js';
import { assertExpectedVersion, type ExpectedVersion } from './expected-version.js';
import { checkOption } from './options.js';
import type { Position } from './position.js';
import type { PreparedAppend } from './append-input.js';
import { assertStreamId } from './stream-id.js';

/**
 * The type of the system event a deletion writes to the global feed, in the
 * stream `$$<streamId>` (see {@link deletionStreamOf}). Its data is a
 * {@link StreamDeletedData}.
 */
export const STREAM_DELETED_EVENT_TYPE = '$StreamDeleted';

/** The data of a `$StreamDeleted` event. */
export interface StreamDeletedData {
  /** The stream deleted. */
  readonly streamId: string;
  /** Its last version when it was deleted (0: it had no events). */
  readonly version: number;
  /** Whether the deletion was hard (a tombstone) or soft. */
  readonly hard: boolean;
}

/** The prefix of the system streams that hold `$StreamDeleted` events; no append may use it. */
export const SYSTEM_STREAM_PREFIX = '$$';

/**
 * The stream that records the deletions of `streamId` (`Task-1` → `$$Task-1`,
 * category `$$Task`): read it, or subscribe to its category, to learn of them.
 */
export function deletionStreamOf(streamId: string): string {
  return SYSTEM_STREAM_PREFIX + streamId;
}

/** Options of {@link EventStore.deleteStream}. */
export interface DeleteStreamOptions {
  /** Checked atomically against the stream's current version, as an append's (default `'any'`). */
  expectedVersion?: ExpectedVersion;
  /** A tombstone: the stream can never be read or written again (default `false`: a soft delete). */
  hard?: boolean;
}

/** What {@link EventStore.deleteStream} did. */
export interface DeleteStreamResult {
  readonly streamId: string;
  /** The stream's last version when it was deleted (0 when it had no events). */
  readonly version: number;
  /**
   * The position of the `$StreamDeleted` event written, or `undefined` when
   * nothing was written (a soft delete of a stream with no events to read).
   */
  readonly position: Position | undefined;
}

/** Options of {@link EventStore.truncateStream}. */
export interface TruncateStreamOptions {
  /** The first version still read: events with a lower version are hidden (at least 1). */
  before: number;
}

/** A checked deletion (for backend authors). */
export interface PreparedDeletion {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly hard: boolean;
}

/** Throws a {@link ValidationError} unless `streamId` may be written (not a `$$` system stream). */
export function assertWritableStreamId(streamId: unknown): asserts streamId is string {
  assertStreamId(streamId);
  if (streamId.startsWith(SYSTEM_STREAM_PREFIX))
    throw new ValidationError(
      `Invalid stream id "${streamId}": ids starting with "${SYSTEM_STREAM_PREFIX}" are reserved for the store's system streams`,
    );
}

/** Checks `deleteStream`'s arguments (a typed error, nothing written, when they are bad). */
export function prepareDeletion(streamId: unknown, options: unknown): PreparedDeletion {
  assertWritableStreamId(streamId);
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, ['expectedVersion', 'hard']);
  const given = options as DeleteStreamOptions | undefined;
  const expectedVersion = given?.expectedVersion ?? 'any';
  assertExpectedVersion(expectedVersion);
  const hard = given?.hard ?? false;
  checkOption.boolean('hard', hard);
  return { streamId, expectedVersion, hard };
}

/** Checks `truncateStream`'s arguments; returns `before`. */
export function prepareTruncation(streamId: unknown, options: unknown): number {
  assertWritableStreamId(streamId);
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, ['before']);
  const before = (options as TruncateStreamOptions | undefined)?.before;
  if (before === undefined) throw new InvalidOptionError('before', before, 'an integer ≥ 1');
  checkOption.integer('before', before, 1);
  return before;
}

/** The JSON data of a `$StreamDeleted` event. */
export function streamDeletedData(streamId: string, version: number, hard: boolean): string {
  const data: StreamDeletedData = { streamId, version, hard };
  return JSON.stringify(data);
}

/**
 * The append of the `$StreamDeleted` event that records a deletion of
 * `streamId` at `version` in its `$$<streamId>` stream (for backend authors
 * whose `deleteStream` writes through their own append path).
 */
export function streamDeletedAppend(
  streamId: string,
  version: number,
  hard: boolean,
): PreparedAppend {
  return {
    streamId: deletionStreamOf(streamId),
    expectedVersion: 'any',
    hasProvidedIds: false,
    events: [
      {
        id: crypto.randomUUID(),
        idProvided: false,
        type: STREAM_DELETED_EVENT_TYPE,
        data: streamDeletedData(streamId, version, hard),
        metadata: null,
        tags: [],
      },
    ],
  };
}

/**
 * What a stream's deletion state makes of it (for backend authors): the
 * first version reads return and the version appends check and reads report.
 * `deletedVersion`: the last version at its latest soft delete (`null`: none);
 * `truncateBefore`: its truncation (`null`: none); `last`: its last stored version;
 * `retainFrom`: the first version its retention rules leave (see `retainedFrom`).
 */
export function visibleStream(
  last: number,
  deletedVersion: number | null,
  truncateBefore: number | null,
  retainFrom = 1,
): { readonly start: number; readonly version: number } {
  const start = Math.max(truncateBefore ?? 1, (deletedVersion ?? 0) + 1, retainFrom);
  return { start, version: deletedVersion !== null && last <= deletedVersion ? 0 : last };
}

/**
 * The versions a scavenge removes from a stream (for backend authors): all
 * below the returned version. A tombstoned stream loses every event
 * (`Infinity`); a soft-deleted stream not written since loses every event
 * (its last version stays recorded in its deletion state); any other stream
 * loses the versions below its first visible one `start` but keeps its last
 * event, so it keeps its place in `listStreams` and its last write time.
 */
export function scavengeBelow(
  last: number,
  deletedVersion: number | null,
  hard: boolean,
  start: number,
): number {
  if (hard) return Number.POSITIVE_INFINITY;
  if (deletedVersion !== null && last <= deletedVersion) return last + 1;
  return Math.min(start, last);
}
