import type { StoreCapabilities } from '../../core/capabilities.js';
import {
  decodePositionWithin,
  encodePosition,
  INT64_LIMIT,
  type PositionCodec,
  type PositionPartRange,
} from '../../core/position.js';

/**
 * The NATS backend's capabilities: shared by processes, durable (JetStream file
 * storage; before NATS 2.10 an acknowledged append is written to disk at the
 * server's sync interval, so a power loss can lose the last ones), other
 * processes' appends heard through core NATS, no transaction for read models,
 * and a feed that never holds a stored message back.
 */
export const NATS_CAPABILITIES: StoreCapabilities = Object.freeze({
  multiProcess: true,
  durable: true,
  crossProcessNotifications: true,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
  atomicMultiStreamAppends: false,
});

/** A NATS position: the message's stream sequence, then the event's index in the message (from 0). */
export type NatsCursor = readonly [sequence: number, index: number];

const NATS_POSITION_PARTS: readonly PositionPartRange[] = [
  { name: 'stream sequence', limit: INT64_LIMIT },
  { name: 'event index', limit: INT64_LIMIT },
];

/** Positions of two parts: stream sequence and the event's index in its message. */
export const natsPositions: PositionCodec<NatsCursor> = {
  decode: (position) => {
    const [seq, index] = decodePositionWithin(position, NATS_POSITION_PARTS) as [bigint, bigint];
    // JetStream sequences are below 2^53 in practice: a larger part reads as the largest safe one.
    return [safe(seq), safe(index)];
  },
  encode: ([seq, index]) => encodePosition(seq, index),
};

/** A position part as a number, at most `Number.MAX_SAFE_INTEGER`. */
function safe(part: bigint): number {
  return part > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(part);
}

/** Orders two cursors as the feed does. */
export function compareCursors(a: NatsCursor, b: NatsCursor): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}
