import { InvalidOptionError } from './errors.js';
import { readInput } from './read-input.js';

/**
 * Checks of option values, each throwing an {@link InvalidOptionError} that
 * names the option (for library and backend authors). `undefined` always
 * passes: it means "the default".
 */
export const checkOption = {
  /** An integer ≥ `min` (default 0) and ≤ `max` (default `Number.MAX_SAFE_INTEGER`). */
  integer(name: string, value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidOptionError(name, value, rangeText('an integer', min, max));
    }
  },
  /** A finite number ≥ `min` and ≤ `max`. */
  number(name: string, value: unknown, min = 0, max = Number.MAX_VALUE): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidOptionError(name, value, rangeText('a number', min, max));
    }
  },
  /** Milliseconds that a Node.js timer accepts: an integer from `min` to 2^31 − 1. */
  milliseconds(name: string, value: unknown, min = 0): void {
    if (value === undefined) return;
    if (
      typeof value !== 'number' ||
      !Number.isSafeInteger(value) ||
      value < min ||
      value > 2 ** 31 - 1
    ) {
      throw new InvalidOptionError(
        name,
        value,
        rangeText('an integer of milliseconds', min, 2 ** 31 - 1),
      );
    }
  },
  /** `true` or `false`. */
  boolean(name: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'boolean') throw new InvalidOptionError(name, value, 'true or false');
  },
  /** A string (non-empty unless `allowEmpty`). */
  string(name: string, value: unknown, allowEmpty = false): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || (!allowEmpty && value.length === 0)) {
      throw new InvalidOptionError(name, value, allowEmpty ? 'a string' : 'a non-empty string');
    }
  },
  /** One of `allowed`. */
  oneOf(name: string, value: unknown, allowed: readonly (string | number | boolean)[]): void {
    if (value === undefined) return;
    if (!allowed.includes(value as string)) {
      throw new InvalidOptionError(
        name,
        value,
        `one of ${allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ')}`,
      );
    }
  },
  /** An object (not null, not an array). */
  object(name: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidOptionError(name, value, 'an object');
    }
  },
  /**
   * An options object (or `undefined`) whose own string keys are all in
   * `known`: a misspelt option (`expectedVerison`) would otherwise be ignored
   * in silence, and the call would run without it. The error names the key
   * (`options.expectedVerison`) and lists the known ones.
   */
  knownKeys(name: string, value: unknown, known: readonly string[]): void {
    if (typeof value !== 'object' || value === null) return;
    const keys = readInput(() => Object.keys(value), name);
    for (const key of keys) {
      if (!known.includes(key)) {
        throw new InvalidOptionError(
          `${name}.${key}`,
          readInput(() => (value as Record<string, unknown>)[key], `${name}.${key}`),
          `one of the known options (${known.join(', ')})`,
        );
      }
    }
  },
  /** A function. */
  function(name: string, value: unknown): void {
    if (value === undefined) return;
    if (typeof value !== 'function') throw new InvalidOptionError(name, value, 'a function');
  },
};

function rangeText(what: string, min: number, max: number): string {
  const top = max >= Number.MAX_SAFE_INTEGER || max === Number.MAX_VALUE ? '' : ` ≤ ${max}`;
  return `${what} ≥ ${min}${top}`;
}
