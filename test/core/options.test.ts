import { describe, expect, it } from 'vitest';
import { InvalidOptionError, ValidationError } from '../../src/core/errors.js';
import { checkOption } from '../../src/core/options.js';

/** The InvalidOptionError `check` throws; fails when it throws nothing or something else. */
function invalid(check: () => void): InvalidOptionError {
  try {
    check();
  } catch (error) {
    if (InvalidOptionError.is(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('checkOption', () => {
  it('throws an InvalidOptionError that names the option and keeps the value', () => {
    const error = invalid(() => checkOption.integer('retry.maxAttempts', Number.NaN, 1));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(ValidationError.is(error)).toBe(true);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.name).toBe('InvalidOptionError');
    expect(error.option).toBe('retry.maxAttempts');
    expect(error.value).toBeNaN();
    expect(error.message).toBe('Invalid option retry.maxAttempts=NaN: expected an integer ≥ 1');
    expect(error.issues).toEqual([{ message: error.message }]);
  });

  it('lets undefined through every check: it means the default', () => {
    expect(() => {
      checkOption.integer('a', undefined, 5);
      checkOption.number('a', undefined, 5);
      checkOption.milliseconds('a', undefined, 5);
      checkOption.boolean('a', undefined);
      checkOption.string('a', undefined);
      checkOption.oneOf('a', undefined, ['x']);
      checkOption.object('a', undefined);
      checkOption.function('a', undefined);
    }).not.toThrow();
  });

  describe('integer', () => {
    it.each([0, 1, 42, Number.MAX_SAFE_INTEGER])('accepts %s', (value) => {
      expect(() => checkOption.integer('n', value)).not.toThrow();
    });
    it.each([
      [Number.NaN, 'NaN'],
      [-1, '-1'],
      [1.5, '1.5'],
      ['10', '"10"'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [2 ** 53, String(2 ** 53)],
      [null, 'null'],
      [10n, '10'],
    ])('rejects %s', (value, shown) => {
      const error = invalid(() => checkOption.integer('n', value));
      expect(error.option).toBe('n');
      expect(error.message).toBe(`Invalid option n=${shown}: expected an integer ≥ 0`);
    });
    it('checks min and max, inclusive', () => {
      expect(() => checkOption.integer('n', 3, 3, 5)).not.toThrow();
      expect(() => checkOption.integer('n', 5, 3, 5)).not.toThrow();
      expect(invalid(() => checkOption.integer('n', 2, 3, 5)).message).toBe(
        'Invalid option n=2: expected an integer ≥ 3 ≤ 5',
      );
      expect(invalid(() => checkOption.integer('n', 6, 3, 5)).value).toBe(6);
    });
  });

  describe('number', () => {
    it('accepts finite numbers in range, fractions too', () => {
      expect(() => checkOption.number('x', 0.25)).not.toThrow();
      expect(() => checkOption.number('x', 2, 1, 2)).not.toThrow();
    });
    it.each([Number.NaN, Number.POSITIVE_INFINITY, -0.5, '1', true])('rejects %s', (value) => {
      expect(invalid(() => checkOption.number('x', value)).message).toMatch(
        /^Invalid option x=.*: expected a number ≥ 0$/,
      );
    });
    it('checks max', () => {
      expect(invalid(() => checkOption.number('jitter', 1.5, 0, 1)).message).toBe(
        'Invalid option jitter=1.5: expected a number ≥ 0 ≤ 1',
      );
    });
  });

  describe('milliseconds', () => {
    it('accepts 0 to 2^31 - 1', () => {
      expect(() => checkOption.milliseconds('ms', 0)).not.toThrow();
      expect(() => checkOption.milliseconds('ms', 2 ** 31 - 1)).not.toThrow();
    });
    it.each([2 ** 31, -1, 0.5, Number.NaN, '100'])('rejects %s', (value) => {
      expect(invalid(() => checkOption.milliseconds('pollIntervalMs', value)).message).toMatch(
        /^Invalid option pollIntervalMs=.*: expected an integer of milliseconds ≥ 0 ≤ 2147483647$/,
      );
    });
    it('checks min', () => {
      expect(invalid(() => checkOption.milliseconds('ms', 0, 1)).option).toBe('ms');
    });
  });

  describe('boolean', () => {
    it('accepts true and false only', () => {
      expect(() => checkOption.boolean('b', true)).not.toThrow();
      expect(() => checkOption.boolean('b', false)).not.toThrow();
      expect(invalid(() => checkOption.boolean('b', 'true')).message).toBe(
        'Invalid option b="true": expected true or false',
      );
      expect(invalid(() => checkOption.boolean('b', 0)).value).toBe(0);
    });
  });

  describe('string', () => {
    it('accepts non-empty strings, and the empty one only when allowed', () => {
      expect(() => checkOption.string('s', 'x')).not.toThrow();
      expect(() => checkOption.string('s', '', true)).not.toThrow();
      expect(invalid(() => checkOption.string('s', '')).message).toBe(
        'Invalid option s="": expected a non-empty string',
      );
      expect(invalid(() => checkOption.string('s', 5, true)).message).toBe(
        'Invalid option s=5: expected a string',
      );
    });
    it('shows at most 64 characters of a long value', () => {
      const error = invalid(() => checkOption.oneOf('mode', 'y'.repeat(100), ['a']));
      expect(error.message).toBe(`Invalid option mode="${'y'.repeat(64)}": expected one of 'a'`);
      expect(error.value).toBe('y'.repeat(100));
    });
  });

  describe('oneOf', () => {
    it('accepts a listed value and names the list otherwise', () => {
      expect(() =>
        checkOption.oneOf('direction', 'forward', ['forward', 'backward']),
      ).not.toThrow();
      expect(() => checkOption.oneOf('level', 2, [1, 2, 3])).not.toThrow();
      expect(
        invalid(() => checkOption.oneOf('direction', 'up', ['forward', 'backward'])).message,
      ).toBe("Invalid option direction=\"up\": expected one of 'forward', 'backward'");
      expect(invalid(() => checkOption.oneOf('level', '2', [1, 2, 3])).message).toBe(
        'Invalid option level="2": expected one of 1, 2, 3',
      );
    });
  });

  describe('object', () => {
    it('accepts plain objects, not null, arrays or primitives', () => {
      expect(() => checkOption.object('o', {})).not.toThrow();
      expect(invalid(() => checkOption.object('o', null)).message).toBe(
        'Invalid option o=null: expected an object',
      );
      expect(invalid(() => checkOption.object('o', [])).message).toBe(
        'Invalid option o=object: expected an object',
      );
      expect(invalid(() => checkOption.object('o', 'text')).option).toBe('o');
    });
  });

  describe('function', () => {
    it('accepts functions only', () => {
      expect(() => checkOption.function('f', () => 1)).not.toThrow();
      expect(invalid(() => checkOption.function('f', {})).message).toBe(
        'Invalid option f=object: expected a function',
      );
    });
  });
});
