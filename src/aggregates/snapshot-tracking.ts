import type { AggregateRoot } from './aggregate-root.js';

/**
 * What loading learnt about an aggregate's snapshot, for the snapshot policy of its next save.
 *
 * @internal
 */
export interface SnapshotInfo {
  /** The version of the snapshot it was loaded from or last saved with (0 when none). */
  readonly version: number;
  /** True when the stored snapshot is of another schema version, so the next save replaces it. */
  readonly stale: boolean;
}

const tracked = new WeakMap<AggregateRoot, SnapshotInfo>();

/**
 * The snapshot info of an aggregate.
 *
 * @internal
 */
export function snapshotInfoOf(aggregate: AggregateRoot): SnapshotInfo {
  return tracked.get(aggregate) ?? { version: 0, stale: false };
}

/**
 * Records the snapshot info of an aggregate.
 *
 * @internal
 */
export function trackSnapshot(aggregate: AggregateRoot, info: SnapshotInfo): void {
  tracked.set(aggregate, info);
}
