import type { SnapshotPolicy } from './snapshot-policy.js';
import type { NewSnapshot, SnapshotStore } from '../core/contracts/snapshot-store.js';

/**
 * The default snapshot policy: every 100 events.
 *
 * @example
 * ```ts
 * new AggregateRepository(store, Task, { snapshots: { store: snapshots } }); // policy DEFAULT_SNAPSHOT_POLICY
 * ```
 */
export const DEFAULT_SNAPSHOT_POLICY = 100;

/**
 * How an aggregate repository uses snapshots: where they live and when to take
 * them. A snapshot is written after a successful save when the policy says
 * so, or when the snapshot found at load was of another schema version.
 *
 * @example
 * ```ts
 * const snapshots: SnapshotOptions = { store: new InMemorySnapshotStore(), policy: 50 };
 * const tasks = new AggregateRepository(store, Task, { snapshots });
 * ```
 */
export interface SnapshotOptions {
  /** The snapshot store (in the same database as the events, usually). */
  store: SnapshotStore;
  /** When to snapshot after a save (default every {@link DEFAULT_SNAPSHOT_POLICY} events). */
  policy?: SnapshotPolicy;
  /**
   * Called when writing a snapshot fails. The save itself has succeeded (the
   * events are stored), so the failure is reported here rather than thrown.
   * Default: a process warning.
   */
  onError?: (error: unknown, snapshot: NewSnapshot) => void;
}
