import { InvalidOptionError } from '../core/errors.js';
import { checkOption } from '../core/options.js';
import { checkSnapshotPolicy, type SnapshotPolicy } from './snapshot-policy.js';
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

/**
 * Checks snapshot options once, where they are given: an
 * `InvalidOptionError` names a bad one under `name` (`snapshots.store`,
 * `snapshots.policy`, `snapshots.onError`). `undefined` means "no snapshots".
 *
 * @internal
 */
export function checkSnapshotOptions(options: unknown, name = 'snapshots'): void {
  if (options === undefined) return;
  checkOption.object(name, options);
  const { store, policy, onError } = options as Partial<Record<keyof SnapshotOptions, unknown>>;
  if (!isSnapshotStore(store)) {
    throw new InvalidOptionError(`${name}.store`, store, 'a SnapshotStore (load, save, delete)');
  }
  checkSnapshotPolicy(`${name}.policy`, policy);
  checkOption.function(`${name}.onError`, onError);
}

/** By shape rather than `instanceof`, so any implementation (or another copy of eventfold's) is accepted. */
function isSnapshotStore(value: unknown): value is SnapshotStore {
  const v = value as Partial<Record<'load' | 'save' | 'delete', unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.load === 'function' &&
    typeof v.save === 'function' &&
    typeof v.delete === 'function'
  );
}
