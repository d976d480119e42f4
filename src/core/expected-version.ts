import { ConcurrencyError, ValidationError } from './errors.js';

/**
 * The condition an append places on the stream's current version, checked in
 * storage in the same transaction as the write.
 *
 * @example
 * ```ts
 * await store.append(id, [created], { expectedVersion: ExpectedVersion.NoStream });
 * await store.append(id, [completed], { expectedVersion: 1 });
 * ```
 */
export const ExpectedVersion = {
  /** No check: append whatever the stream's version (the default). */
  Any: 'any',
  /** The stream must have no events (the same as the exact version 0). */
  NoStream: 'no_stream',
  /** The stream must have at least one event. */
  StreamExists: 'stream_exists',
} as const;

/** `'any'`, `'no_stream'`, `'stream_exists'`, or the exact current version (0 = no events yet). */
export type ExpectedVersion = (typeof ExpectedVersion)[keyof typeof ExpectedVersion] | number;

/** Throws a {@link ValidationError} unless `value` is a valid expected version. */
export function assertExpectedVersion(value: unknown): asserts value is ExpectedVersion {
  if (value === 'any' || value === 'no_stream' || value === 'stream_exists') return;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new ValidationError(
    `Invalid expectedVersion ${describe(value)}: use ExpectedVersion.Any, NoStream, StreamExists or a non-negative integer`,
  );
}

/**
 * Throws a {@link ConcurrencyError} carrying `actual` unless a stream at version
 * `actual` satisfies `expected` (for backend authors; call it inside the transaction).
 */
export function checkExpectedVersion(
  streamId: string,
  expected: ExpectedVersion,
  actual: number,
): void {
  if (expected === 'any') return;
  if (
    expected === 'no_stream'
      ? actual === 0
      : expected === 'stream_exists'
        ? actual > 0
        : actual === expected
  ) {
    return;
  }
  throw new ConcurrencyError(streamId, expected, actual);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
