import { ValidationError } from './errors.js';

declare const positionBrand: unique symbol;

/**
 * A place in a store's global feed. Opaque: pass it back to `readAll({ after })`
 * or store it as a checkpoint, and compare two positions of the same store with
 * {@link comparePositions} (or plain string comparison, which agrees with it).
 */
export type Position = string & { readonly [positionBrand]: true };

const WIDTH = 20; // digits of 2^64 - 1
const PART = /^\d{20}$/;
const ZEROS = '0'.repeat(WIDTH);

/**
 * The one-part position of sequence number `seq`: `encodePosition(seq)`,
 * written the fast way (it runs once per event read).
 */
export function sequencePosition(seq: number | bigint): Position {
  const digits = String(seq);
  return (ZEROS.substring(0, WIDTH - digits.length) + digits) as Position;
}

/**
 * Builds a position from non-negative integer parts (for backend authors).
 * Positions with the same number of parts compare like the tuples of their parts.
 */
export function encodePosition(...parts: readonly (number | bigint)[]): Position {
  if (parts.length === 1) return sequencePosition(parts[0] as number | bigint);
  return parts.map((p) => String(p).padStart(WIDTH, '0')).join(':') as Position;
}

/**
 * Reads the parts of a position (for backend authors); `parts` is how many the
 * backend uses. A malformed position is a {@link ValidationError}.
 */
export function decodePosition(position: unknown, parts: number): bigint[] {
  if (typeof position !== 'string') {
    throw new ValidationError(`Invalid position: expected a string, got ${typeof position}`);
  }
  const split = position.split(':');
  if (split.length !== parts || !split.every((p) => PART.test(p))) {
    throw new ValidationError(`Invalid position "${position.slice(0, 64)}" for this store`);
  }
  return split.map((p) => BigInt(p));
}

/**
 * How a backend writes and reads its positions (for backend authors): `decode`
 * turns a position a caller gave into the backend's cursor (a malformed one is
 * a {@link ValidationError}), `encode` the other way.
 */
export interface PositionCodec<Cursor> {
  decode(position: unknown): Cursor;
  encode(cursor: Cursor): Position;
}

/** Positions of one part: a sequence number from 1 (memory, SQLite). */
export const sequencePositions: PositionCodec<number> = {
  // A position past 2^53 loses precision as a number but still compares past every stored one.
  decode: (position) => Number(decodePosition(position, 1)[0]),
  encode: sequencePosition,
};

/** Orders two positions of the same store: negative, zero or positive. */
export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
