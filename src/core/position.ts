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

/** A non-negative integer: a number, a bigint, or its decimal digits (as drivers return 64-bit columns). */
type PositionPart = number | bigint | string;

/** A part written as 20 digits. */
function padded(part: PositionPart): string {
  const digits = String(part);
  return ZEROS.substring(0, WIDTH - digits.length) + digits;
}

/**
 * The one-part position of sequence number `seq`: `encodePosition(seq)`,
 * written the fast way (it runs once per event read).
 */
export function sequencePosition(seq: number | bigint): Position {
  return padded(seq) as Position;
}

/**
 * Builds a position from non-negative integer parts (for backend authors):
 * numbers, bigints, or decimal digit strings as a driver returns 64-bit
 * columns (no detour through BigInt). Each part is written as 20 digits, so
 * positions with the same number of parts compare like the tuples of their parts.
 *
 * @example
 * ```ts
 * encodePosition(7); // '00000000000000000007'
 * encodePosition('745', '12'); // '00000000000000000745:00000000000000000012'
 * ```
 */
export function encodePosition(...parts: readonly (number | bigint | string)[]): Position {
  const count = parts.length;
  // Two parts (PostgreSQL: once per event read) without a loop.
  if (count === 2)
    return `${padded(parts[0] as PositionPart)}:${padded(parts[1] as PositionPart)}` as Position;
  let out = count === 0 ? '' : padded(parts[0] as PositionPart);
  for (let i = 1; i < count; i++) out += `:${padded(parts[i] as PositionPart)}`;
  return out as Position;
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

/** One part of a backend's positions: its name (for messages) and the first value out of range. */
export interface PositionPartRange {
  readonly name: string;
  /** Values must be below this (`2n ** 63n` for a signed 64-bit column). */
  readonly limit: bigint;
}

/**
 * Reads the parts of a position like {@link decodePosition}, and refuses a
 * well-formed position whose parts do not fit the backend's columns with a
 * {@link ValidationError} naming the part, before any query runs (for backend authors).
 *
 * @example
 * ```ts
 * const parts = [{ name: 'sequence number', limit: 2n ** 63n }];
 * decodePositionWithin('00000000000000000007', parts); // [7n]
 * decodePositionWithin('99999999999999999999', parts); // throws ValidationError
 * ```
 */
export function decodePositionWithin(
  position: unknown,
  parts: readonly PositionPartRange[],
): bigint[] {
  const values = decodePosition(position, parts.length);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as PositionPartRange;
    if ((values[i] as bigint) >= part.limit) {
      throw new ValidationError(
        `Invalid position "${position as string}": its ${part.name} is out of range (at most ${part.limit - 1n})`,
      );
    }
  }
  return values;
}

/** The first value past a signed 64-bit integer (SQLite's rowid, PostgreSQL's `bigint`): 2^63. */
export const INT64_LIMIT = 2n ** 63n;

/**
 * How a backend writes and reads its positions (for backend authors): `decode`
 * turns a position a caller gave into the backend's cursor (a malformed one is
 * a {@link ValidationError}), `encode` the other way.
 */
export interface PositionCodec<Cursor> {
  decode(position: unknown): Cursor;
  encode(cursor: Cursor): Position;
}

const SEQUENCE_PARTS: readonly PositionPartRange[] = [
  { name: 'sequence number', limit: INT64_LIMIT },
];

/**
 * Positions of one part: a sequence number from 1 (memory, SQLite). A
 * sequence number must fit SQLite's rowid (below 2^63); a larger one is a
 * {@link ValidationError}, on every backend that uses these positions.
 */
export const sequencePositions: PositionCodec<number> = {
  // A position past 2^53 loses precision as a number but still compares past every stored one.
  decode: (position) => Number(decodePositionWithin(position, SEQUENCE_PARTS)[0]),
  encode: sequencePosition,
};

/** Orders two positions of the same store: negative, zero or positive. */
export function comparePositions(a: Position, b: Position): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
