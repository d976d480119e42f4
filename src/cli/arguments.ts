import { InvalidArgumentError } from 'commander';
import { ValidationError } from '../core/errors.js';
import type { ExpectedVersion } from '../core/expected-version.js';

/** Parses a whole number of at least `min`, for commander. */
export function integer(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min)
      throw new InvalidArgumentError(`expected an integer of at least ${min}`);
    return Number(value);
  };
}

/** Collects a repeated option into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses `--expected-version`: a version, `any`, `no-stream` or `stream-exists`. */
export function expectedVersion(value: string): ExpectedVersion {
  if (value === 'any') return 'any';
  if (value === 'no-stream' || value === 'no_stream') return 'no_stream';
  if (value === 'stream-exists' || value === 'stream_exists') return 'stream_exists';
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  throw new InvalidArgumentError('expected a version (0, 1, …), any, no-stream or stream-exists');
}

/** Parses a JSON argument; a {@link ValidationError} naming it when it is not JSON. */
export function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Invalid JSON ${what}: ${(error as Error).message}`);
  }
}
