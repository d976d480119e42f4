import { checkOption } from '../core/options.js';

/**
 * What a snapshot policy function is told after a save.
 *
 * @example
 * ```ts
 * const policy: SnapshotPolicy = (context: SnapshotPolicyContext) => context.version - context.lastSnapshotVersion >= 20;
 * ```
 */
export interface SnapshotPolicyContext {
  /** The aggregate's stream. */
  readonly streamId: string;
  /** The stream version after the save. */
  readonly version: number;
  /** The stream version before the save. */
  readonly previousVersion: number;
  /** The version of the aggregate's last usable snapshot (0 when it has none, or only one of another schema). */
  readonly lastSnapshotVersion: number;
  /** The aggregate's state after the save. */
  readonly state: unknown;
}

/**
 * When to take a snapshot after a save: a number N means "when N or more events
 * were saved since the last snapshot"; a function decides from the context.
 *
 * @example
 * ```ts
 * const every100: SnapshotPolicy = 100;
 * const onClose: SnapshotPolicy = ({ state }) => (state as { closed: boolean }).closed;
 * ```
 */
export type SnapshotPolicy = number | ((context: SnapshotPolicyContext) => boolean);

/**
 * The policy "snapshot when `n` or more events were saved since the last snapshot".
 *
 * @example
 * ```ts
 * const tasks = new AggregateRepository(store, Task, { snapshots: { store: snapshots, policy: everyNEvents(50) } });
 * ```
 */
export function everyNEvents(n: number): (context: SnapshotPolicyContext) => boolean {
  checkSnapshotPolicy('everyNEvents', n);
  return (context) => context.version - context.lastSnapshotVersion >= n;
}

/**
 * Checks a snapshot policy: a function, or an integer ≥ 1; anything
 * else is an `InvalidOptionError` naming the option `name`.
 *
 * @internal
 */
export function checkSnapshotPolicy(name: string, policy: unknown): void {
  if (typeof policy === 'function') return;
  checkOption.integer(name, policy, 1);
}

/**
 * Whether a checked `policy` asks for a snapshot in `context`.
 *
 * @internal
 */
export function wantsSnapshot(policy: SnapshotPolicy, context: SnapshotPolicyContext): boolean {
  if (typeof policy === 'number') return context.version - context.lastSnapshotVersion >= policy;
  return policy(context);
}
