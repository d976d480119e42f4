import type { StoreCapabilities } from '../../core/capabilities.js';
import {
  decodePositionWithin,
  encodePosition,
  INT64_LIMIT,
  type PositionCodec,
  type PositionPartRange,
} from '../../core/position.js';
import type { FeedFilterQuery } from '../kernel/event-store-driver.js';

/**
 * PostgreSQL's capabilities: shared by processes, `LISTEN/NOTIFY` wake-ups,
 * read models in the events' database, asynchronous transactions, and a feed
 * horizon that can hold back a committed event.
 */
export const POSTGRES_CAPABILITIES: StoreCapabilities = Object.freeze({
  multiProcess: true,
  durable: true,
  crossProcessNotifications: true,
  atomicReadModels: true,
  synchronousTransactions: false,
  delayedVisibility: true,
  atomicMultiStreamAppends: true,
});

/** A PostgreSQL position: the writing transaction's id, then the event's sequence number. */
export type PostgresCursor = readonly [transactionId: bigint, globalPosition: bigint];

const POSTGRES_POSITION_PARTS: readonly PositionPartRange[] = [
  { name: 'transaction id', limit: 2n ** 64n }, // xid8
  { name: 'global position', limit: INT64_LIMIT }, // bigint
];

/**
 * Positions of two parts: transaction id and global position. A position whose
 * transaction id does not fit `xid8` (below 2^64) or whose global position does
 * not fit `bigint` (below 2^63) is a `ValidationError` before any query runs.
 */
export const postgresPositions: PositionCodec<PostgresCursor> = {
  decode: (position) =>
    decodePositionWithin(position, POSTGRES_POSITION_PARTS) as unknown as PostgresCursor,
  encode: ([xid, position]) => encodePosition(xid, position),
};

/** Orders two cursors as the feed does: by transaction id, then global position. */
export function compareCursors(a: PostgresCursor, b: PostgresCursor): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}

/** A cursor as query parameters (the start of the feed when absent). */
export function cursorValues(after: PostgresCursor | undefined): string[] {
  const [xid, position] = after ?? [0n, 0n];
  return [String(xid), String(position)];
}

/** A feed filter's arrays as query parameters, in the order the feed SQL takes them. */
export function filterValues(filter: FeedFilterQuery): (readonly string[])[] {
  const values: (readonly string[])[] = [];
  if (filter.types !== undefined) values.push(filter.types);
  if (filter.categories !== undefined) values.push(filter.categories);
  return values;
}
