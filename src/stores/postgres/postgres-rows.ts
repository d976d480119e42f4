import { encodePosition, type Position } from '../../core/position.js';
import type { StoredEventRow } from '../../core/recorded.js';

/**
 * One event row as `pg` returns it in array mode, with the columns of
 * `EVENT_COLUMNS` starting at `offset`: transaction id, global position,
 * stream id, version (bigint and xid8 as decimal strings), event id, type,
 * data, metadata, recorded at, tags (`text[]`, NULL when none), schema version (NULL: 1).
 */
export type EventRowValues = readonly unknown[];

/**
 * A position from the decimal strings of its parts, as `pg` returns `xid8`
 * and `bigint`: the core's `encodePosition(xid, globalPosition)`.
 */
export function positionOf(xid: string, globalPosition: string): Position {
  return encodePosition(xid, globalPosition);
}

/** Turns array-mode rows into the core's stored rows, reading columns from `offset` on. */
export function toStoredRows(rows: readonly EventRowValues[], offset = 0): StoredEventRow[] {
  const out = new Array<StoredEventRow>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r: EventRowValues = rows[i] ?? [];
    out[i] = {
      position: encodePosition(r[offset] as string, r[offset + 1] as string),
      streamId: r[offset + 2] as string,
      version: Number(r[offset + 3]),
      id: r[offset + 4] as string,
      type: r[offset + 5] as string,
      data: r[offset + 6] as string,
      metadata: r[offset + 7] as string | null,
      recordedAt: asDate(r[offset + 8]),
      tags: (r[offset + 9] as string[] | null) ?? undefined,
      schemaVersion: r[offset + 10] == null ? undefined : Number(r[offset + 10]),
    };
  }
  return out;
}

/** The `recorded_at` value: a Date with `pg`'s default parser, else parsed from what a custom parser returned. */
function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}
