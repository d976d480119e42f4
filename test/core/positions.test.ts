import { describe, expect, it } from 'vitest';
import { comparePositions, ValidationError } from '../../src/index.js';
import { decodePosition, encodePosition, sequencePositions } from '../../src/backend.js';
import { decodePositionWithin, INT64_LIMIT } from '../../src/core/position.js';

describe('positions', () => {
  it('encode parts so that string order is numeric order', () => {
    const values = [0n, 1n, 9n, 10n, 99n, 1000n, 2n ** 63n, 2n ** 64n - 1n];
    const encoded = values.map((v) => encodePosition(v));
    expect([...encoded].sort()).toEqual(encoded);
    expect(encoded.map((p) => decodePosition(p, 1)[0])).toEqual(values);
    expect(comparePositions(encodePosition(2, 1), encodePosition(10, 0))).toBe(-1);
    expect(comparePositions(encodePosition(5), encodePosition(5))).toBe(0);
    expect(decodePosition(encodePosition(7, 8), 2)).toEqual([7n, 8n]);
  });

  it('reject malformed positions with a ValidationError', () => {
    for (const bad of ['', 'abc', '12', encodePosition(1, 2), 42, null, `${encodePosition(1)}x`]) {
      expect(() => decodePosition(bad, 1)).toThrow(ValidationError);
    }
  });
});

describe('positions out of range (issue 11)', () => {
  const digits = (value: bigint): string => value.toString().padStart(20, '0');

  it('sequence positions (memory, SQLite) must fit a signed 64-bit rowid', () => {
    expect(sequencePositions.decode(digits(2n ** 63n - 1n))).toBe(Number(2n ** 63n - 1n));
    expect(sequencePositions.decode(digits(0n))).toBe(0);
    for (const bad of [2n ** 63n, 2n ** 64n, 10n ** 20n - 1n]) {
      let error: unknown;
      try {
        sequencePositions.decode(digits(bad));
      } catch (thrown) {
        error = thrown;
      }
      expect(ValidationError.is(error)).toBe(true);
      expect((error as Error).message).toBe(
        `Invalid position "${digits(bad)}": its sequence number is out of range (at most 9223372036854775807)`,
      );
    }
  });

  it('decodePositionWithin checks each part against its own limit', () => {
    const parts = [
      { name: 'first part', limit: 10n },
      { name: 'second part', limit: 100n },
    ];
    expect(decodePositionWithin(encodePosition(9, 99), parts)).toEqual([9n, 99n]);
    expect(() => decodePositionWithin(encodePosition(10, 0), parts)).toThrow(
      /its first part is out of range \(at most 9\)/,
    );
    expect(() => decodePositionWithin(encodePosition(0, 100), parts)).toThrow(
      /its second part is out of range \(at most 99\)/,
    );
    expect(() => decodePositionWithin(encodePosition(1), parts)).toThrow(ValidationError);
    expect(INT64_LIMIT).toBe(9223372036854775808n);
  });
});
