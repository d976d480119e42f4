import { ValidationError } from '../errors.js';
import { serializeJson } from '../serialization.js';
import { assertStreamId } from '../stream-id.js';
import type { NewSnapshot } from './snapshot-store.js';

/**
 * A snapshot checked and serialised, ready for storage (for snapshot-store authors).
 *
 * @example
 * ```ts
 * const { streamId, version, schemaVersion, state } = prepareSnapshot(snapshot); // state is JSON text
 * ```
 */
export interface PreparedSnapshot {
  readonly streamId: string;
  readonly version: number;
  readonly schemaVersion: number;
  /** The state as JSON text. */
  readonly state: string;
}

/**
 * Checks a snapshot before anything is stored and serialises its state:
 * stream id as for events, `version` a positive integer, `schemaVersion` a
 * non-negative integer, state JSON-serialisable without loss. Throws a
 * `ValidationError` or `SerializationError`; every snapshot store calls it first.
 *
 * @example
 * ```ts
 * const row = prepareSnapshot(snapshot); // { streamId, version, schemaVersion, state: '{"…"}' }
 * ```
 */
export function prepareSnapshot(snapshot: NewSnapshot): PreparedSnapshot {
  if (typeof snapshot !== 'object' || snapshot === null) {
    throw new ValidationError('Invalid snapshot: expected an object');
  }
  const { streamId, version, schemaVersion, state } = snapshot;
  assertStreamId(streamId);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ValidationError(
      `Invalid snapshot version ${String(version)}: expected a positive integer`,
    );
  }
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 0) {
    throw new ValidationError(
      `Invalid snapshot schemaVersion ${String(schemaVersion)}: expected a non-negative integer`,
    );
  }
  if (state === undefined) throw new ValidationError('Invalid snapshot state: it is undefined');
  return { streamId, version, schemaVersion, state: serializeJson(state, 'snapshot.state') };
}

/**
 * Whether an incoming snapshot replaces the stored one: always when there is
 * none or the schema versions differ, else when it is not older.
 *
 * @example
 * ```ts
 * shouldReplaceSnapshot({ version: 10, schemaVersion: 1 }, { version: 5, schemaVersion: 1 }); // false
 * shouldReplaceSnapshot({ version: 10, schemaVersion: 1 }, { version: 5, schemaVersion: 2 }); // true
 * ```
 */
export function shouldReplaceSnapshot(
  stored: { readonly version: number; readonly schemaVersion: number } | undefined,
  incoming: { readonly version: number; readonly schemaVersion: number },
): boolean {
  return (
    stored === undefined ||
    stored.schemaVersion !== incoming.schemaVersion ||
    incoming.version >= stored.version
  );
}
