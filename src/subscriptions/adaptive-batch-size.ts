/** The bounds and target of an adaptive batch size (see {@link nextBatchSize}). */
export interface BatchSizePolicy {
  /** The smallest slice (≥ 1). */
  readonly min: number;
  /** The largest slice. */
  readonly max: number;
  /** How long a slice's transaction should take, in milliseconds. */
  readonly targetMs: number;
}

/**
 * The size of the next slice of a projection, from the last one: `size`
 * events asked for, `committed` of them in a transaction that took
 * `durationMs`. The rate seen predicts the size that takes `targetMs`; the
 * step is at most ×2 up and ÷2 down (one slow transaction, a lock wait, does
 * not collapse the size), and the size grows only after a full slice (a
 * short page at the end of the feed says nothing about larger ones). Pure:
 * the same inputs give the same size.
 *
 * @example
 * ```ts
 * nextBatchSize(100, 100, 20, { min: 10, max: 5_000, targetMs: 100 }); // 200: twice as fast as needed
 * nextBatchSize(400, 400, 1_000, { min: 10, max: 5_000, targetMs: 100 }); // 200: halved at most
 * ```
 */
export function nextBatchSize(
  size: number,
  committed: number,
  durationMs: number,
  policy: BatchSizePolicy,
): number {
  const { min, max, targetMs } = policy;
  if (committed <= 0) return clamp(size, min, max);
  const predicted =
    durationMs <= 0 ? Number.POSITIVE_INFINITY : (committed * targetMs) / durationMs;
  let next = Math.min(predicted, size * 2);
  if (committed < size) next = Math.min(next, size); // a short slice: never grow on it
  next = Math.max(next, size / 2);
  return clamp(Math.round(next), min, max);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * The hook that adapts `reader`'s page size after each committed slice (see
 * {@link nextBatchSize}); `undefined` without a policy (a fixed size).
 *
 * @internal
 */
export function adaptBatchSize(
  reader: { batchSize: number },
  policy: BatchSizePolicy | false | undefined,
): ((events: number, durationMs: number) => void) | undefined {
  if (policy === undefined || policy === false) return undefined;
  return (events, durationMs) => {
    reader.batchSize = nextBatchSize(reader.batchSize, events, durationMs, policy);
  };
}
