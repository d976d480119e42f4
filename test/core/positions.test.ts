import { describe, expect, it } from 'vitest';
import { comparePositions, ValidationError } from '../../src/index.js';
import { decodePosition, encodePosition } from '../../src/backend.js';

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
