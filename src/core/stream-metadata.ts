import { ConcurrencyError, InvalidOptionError } from './errors.js';
import { checkOption } from './options.js';
import { serializeJson } from './serialization.js';
import { assertWritableStreamId } from './stream-deletion.js';

/** A JSON value, as stored in {@link StreamMetadata.custom}. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A stream's metadata: its retention rules and your own keys. Retention
 * applies to stream reads at once (the events it hides are removed from disk
 * by `scavenge`).
 *
 * @example
 * ```ts
 * const metadata: StreamMetadata = { maxAge: 86_400, maxCount: 100, custom: { owner: 'billing' } };
 * ```
 */
export interface StreamMetadata {
  /** Seconds: reads hide the events recorded longer ago than this (as KurrentDB's `$maxAge`). */
  readonly maxAge?: number;
  /** Reads show only the last `maxCount` events (as KurrentDB's `$maxCount`). */
  readonly maxCount?: number;
  /** Your own keys, any JSON. */
  readonly custom?: { readonly [key: string]: JsonValue };
}

/** What {@link EventStore.getStreamMetadata} returns. */
export interface StreamMetadataResult {
  readonly streamId: string;
  /** The metadata set last (`{}` when none was ever set). */
  readonly metadata: StreamMetadata;
  /** How many times it was set: 0 before the first `setStreamMetadata`. */
  readonly metadataVersion: number;
}

/** Options of {@link EventStore.setStreamMetadata}. */
export interface SetStreamMetadataOptions {
  /** The metadata version it must have now (0: never set); a `ConcurrencyError` otherwise. */
  expectedMetadataVersion?: number;
}

/** What {@link EventStore.setStreamMetadata} returns: the new metadata version. */
export interface SetStreamMetadataResult {
  readonly streamId: string;
  readonly metadataVersion: number;
}

/** Checked metadata to store (for backend authors). */
export interface PreparedStreamMetadata {
  readonly streamId: string;
  readonly metadata: StreamMetadata;
  /** `metadata` as JSON text, as stored. */
  readonly json: string;
  readonly maxAge: number | null;
  readonly maxCount: number | null;
  readonly expectedMetadataVersion: number | undefined;
}

/** A retention rule as stored beside a stream (for backend authors). */
export interface Retention {
  readonly maxAge: number | null;
  readonly maxCount: number | null;
}

/** The largest `maxAge` (about 100 years in seconds) and `maxCount` accepted. */
const MAX_RETENTION = 2 ** 31 - 1;

/**
 * Checks `setStreamMetadata`'s arguments (typed errors, nothing written):
 * a writable stream id; `maxAge` and `maxCount` integers ≥ 1; `custom` a
 * plain object of JSON; no other key; known options only.
 */
export function prepareStreamMetadata(
  streamId: unknown,
  metadata: unknown,
  options: unknown,
): PreparedStreamMetadata {
  assertWritableStreamId(streamId);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new InvalidOptionError('metadata', metadata, 'an object');
  checkOption.knownKeys('metadata', metadata, ['maxAge', 'maxCount', 'custom']);
  const given = metadata as StreamMetadata;
  checkOption.integer('metadata.maxAge', given.maxAge, 1, MAX_RETENTION);
  checkOption.integer('metadata.maxCount', given.maxCount, 1, MAX_RETENTION);
  checkOption.object('metadata.custom', given.custom);
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, ['expectedMetadataVersion']);
  const expected = (options as SetStreamMetadataOptions | undefined)?.expectedMetadataVersion;
  checkOption.integer('expectedMetadataVersion', expected, 0);
  const stored: { maxAge?: number; maxCount?: number; custom?: StreamMetadata['custom'] } = {};
  if (given.maxAge !== undefined) stored.maxAge = given.maxAge;
  if (given.maxCount !== undefined) stored.maxCount = given.maxCount;
  if (given.custom !== undefined) stored.custom = given.custom;
  const json = serializeJson(stored, 'metadata');
  return {
    streamId,
    metadata: JSON.parse(json) as StreamMetadata,
    json,
    maxAge: given.maxAge ?? null,
    maxCount: given.maxCount ?? null,
    expectedMetadataVersion: expected,
  };
}

/** Throws a `ConcurrencyError` when the metadata version is not the one expected (for backend authors). */
export function checkMetadataVersion(
  streamId: string,
  expected: number | undefined,
  actual: number,
): void {
  if (expected !== undefined && expected !== actual)
    throw new ConcurrencyError(
      streamId,
      expected,
      actual,
      `Concurrency conflict on the metadata of stream "${streamId}": expected metadata version ${expected}, actual ${actual}`,
    );
}

/** Stored metadata JSON (or `null`) read back (for backend authors). */
export function parseStoredMetadata(json: string | null): StreamMetadata {
  return json === null ? {} : (JSON.parse(json) as StreamMetadata);
}

/**
 * The first version a retention rule leaves visible in a stream whose last
 * version is `last` (for backend authors): `maxCount` keeps the last ones;
 * `maxAge` hides every event up to the last one recorded before
 * `now - maxAge` (`lastExpired`: that version, 0 when none; the backend
 * finds it). 1 when the rule hides nothing.
 */
export function retainedFrom(last: number, retention: Retention, lastExpired: number): number {
  let start = 1;
  if (retention.maxCount !== null) start = Math.max(start, last - retention.maxCount + 1);
  if (retention.maxAge !== null) start = Math.max(start, lastExpired + 1);
  return start;
}

/** The instant before which a `maxAge` of `seconds` hides events, measured now (ms since the epoch). */
export function expiryCutoff(seconds: number, now = Date.now()): number {
  return now - seconds * 1000;
}
