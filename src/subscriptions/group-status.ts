import type { SubscriptionOptions } from './subscription-options.js';
import type { SubscriptionStatus } from './subscription-status.js';
import type { RebalancingGroupOptions } from './rebalancing-group.js';

/**
 * What a member of a rebalancing group is doing: `'idle'` (not started),
 * `'joining'` (before its first heartbeat), `'running'` (a member: it runs
 * the partitions assigned to it, maybe none), `'stopping'`, `'stopped'`, or
 * `'failed'` (a partition stopped with an error, or the store closed).
 */
export type GroupState = 'idle' | 'joining' | 'running' | 'stopping' | 'stopped' | 'failed';

/** A member's view of its rebalancing group, for operators. */
export interface GroupStatus {
  /** The group (the subscription's name). */
  readonly name: string;
  /** This member's id. */
  readonly memberId: string;
  /** What the member is doing. */
  readonly state: GroupState;
  /** How many partitions the group has. */
  readonly partitions: number;
  /** The live members as last seen, in code point order. */
  readonly members: readonly string[];
  /** The partitions this member runs now (each may still wait for its lease), ascending. */
  readonly owned: readonly number[];
  /** The status of each partition this member runs, in partition order. */
  readonly running: readonly SubscriptionStatus[];
  /** The last error of the member's own work (heartbeats, leaving), if any: its message and when. */
  readonly lastError?: { readonly message: string; readonly at: Date };
}

/** Options of a subscription in a rebalancing group. */
export type GroupSubscriptionOptions<Tx> = SubscriptionOptions<Tx> & {
  group: RebalancingGroupOptions;
};
