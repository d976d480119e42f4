import type { PreparedAppend } from '../../../core/append-input.js';
import { categoryOf } from '../../../core/stream-id.js';

/** A row returned by `append_events`, as {@link appendEventsSql} selects it (positions as text). */
export interface AppendEventsRow {
  /** `'ok'` (written), `'conflict'` (expected version not met) or `'existing'` (one stored event id per row). */
  readonly o_status: 'ok' | 'conflict' | 'existing';
  /** The stream's version read under the lock, before this append (a string, or a number with a custom int8 parser). */
  readonly o_actual: string | number;
  readonly o_event_id: string | null;
  readonly o_stream_id: string | null;
  /** `ok`: the stream's new version; `existing`: that event's version. */
  readonly o_version: string | number | null;
  readonly o_transaction_id: string | null;
  readonly o_global_position: string | null;
}

/** The call of `<schema>.append_events`: the whole append in one statement and one round trip. */
export function appendEventsSql(s: string): string {
  return `SELECT o_status, o_actual, o_event_id, o_stream_id, o_version, o_transaction_id::text, o_global_position::text
FROM ${s}.append_events($1::text, $2::text, $3::bigint, $4::uuid[], $5::text[], $6::text[], $7::text[], $8::uuid[])`;
}

/** How `append_events` encodes the expected version: -1 any, -2 stream exists, n exact (no stream = 0). */
export function encodeExpectedVersion(expected: PreparedAppend['expectedVersion']): number {
  if (expected === 'any') return -1;
  if (expected === 'stream_exists') return -2;
  if (expected === 'no_stream') return 0;
  return expected;
}

/** The parameters of {@link appendEventsSql} for a prepared append: one array per column. */
export function appendEventsValues(append: PreparedAppend): unknown[] {
  const n = append.events.length;
  const ids = new Array<string>(n);
  const types = new Array<string>(n);
  const data = new Array<string>(n);
  const metadata = new Array<string | null>(n);
  const lookup: string[] = [];
  for (let i = 0; i < n; i++) {
    const event = append.events[i];
    if (event === undefined) continue;
    ids[i] = event.id;
    types[i] = event.type;
    data[i] = event.data;
    metadata[i] = event.metadata;
    if (event.idProvided) lookup.push(event.id);
  }
  return [
    append.streamId,
    categoryOf(append.streamId),
    encodeExpectedVersion(append.expectedVersion),
    ids,
    types,
    data,
    metadata,
    append.hasProvidedIds ? lookup : null,
  ];
}
