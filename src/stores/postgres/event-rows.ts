import type { Position } from '../../core/position.js';
import type { StoredEventRow } from '../../core/recorded.js';

/**
 * One event row as `pg` returns it in array mode, with the columns of
 * `EVENT_COLUMNS` starting at `offset`: transaction id, global position,
 * stream id, version (bigint and xid8 as decimal strings), event id, type,
 * data, metadata, recorded at.
 */
export type EventRowValues = readonly unknown[];

const ZEROS = '00000000000000000000';

/**
 * A position from the decimal strings of its parts: the same text as the
 * core's `encodePosition(BigInt(xid), BigInt(globalPosition))` (each part
 * zero-padded to 20 digits), without the detour through BigInt.
 */
export function positionOf(xid: string, globalPosition: string): Position {
  return `${ZEROS.slice(xid.length)}${xid}:${ZEROS.slice(globalPosition.length)}${globalPosition}` as Position;
}

/** Turns array-mode rows into the core's stored rows, reading columns from `offset` on. */
export function toStoredRows(rows: readonly EventRowValues[], offset = 0): StoredEventRow[] {
  const out = new Array<StoredEventRow>(rows.length);
  // Rows of one transaction come together: pad its xid once.
  let xid = '';
  let prefix = '';
  for (let i = 0; i < rows.length; i++) {
    const r: EventRowValues = rows[i] ?? [];
    const rowXid = r[offset] as string;
    if (rowXid !== xid) {
      xid = rowXid;
      prefix = `${ZEROS.slice(xid.length)}${xid}:`;
    }
    const globalPosition = r[offset + 1] as string;
    out[i] = {
      position: `${prefix}${ZEROS.slice(globalPosition.length)}${globalPosition}` as Position,
      streamId: r[offset + 2] as string,
      version: Number(r[offset + 3]),
      id: r[offset + 4] as string,
      type: r[offset + 5] as string,
      data: r[offset + 6] as string,
      metadata: r[offset + 7] as string | null,
      recordedAt: asDate(r[offset + 8]),
    };
  }
  return out;
}

/** The `recorded_at` value: a Date with `pg`'s default parser, else parsed from what a custom parser returned. */
function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(value as string);
}
