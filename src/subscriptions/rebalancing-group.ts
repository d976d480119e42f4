import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { isMemberId, MAX_MEMBER_ID_LENGTH } from '../core/contracts/membership-arguments.js';
import { InvalidOptionError } from '../core/errors.js';
import { checkOption } from '../core/options.js';

/** The most partitions a rebalancing consumer group may have. */
export const MAX_GROUP_PARTITIONS = 1024;

/**
 * A consumer group whose members come and go on their own: the feed is cut
 * into `partitions` by stream hash ({@link groupMemberOf}), each partition
 * with its own checkpoint, lease and dead letters (named like a fixed
 * group's members: `name[p/partitions]`); every member beats its heart in the
 * storage's `membership` and runs the partitions the live members' sorted
 * list gives it ({@link assignedPartitions}), taking each by its lease.
 *
 * @example
 * ```ts
 * subscribe(store, { name: 'mailer', group: { partitions: 16 }, storage, handler });
 * ```
 */
export interface RebalancingGroupOptions {
  /**
   * How many partitions the feed is cut into (1 to 1,024), at least the most
   * members you will run. Keep it fixed: another count is another set of
   * checkpoints.
   */
  readonly partitions: number;
  /** This member's id, unique in the group, and its partitions' lease holder (default `host/pid/random`). */
  readonly memberId?: string;
  /** How often the member beats its heart and recomputes its partitions, in milliseconds (default 1,000). */
  readonly heartbeatMs?: number;
  /**
   * How long a member stays in the group after its last heartbeat, in
   * milliseconds (default 10,000; more than `heartbeatMs`): a member that
   * dies without leaving keeps its partitions that long.
   */
  readonly ttlMs?: number;
}

/** {@link RebalancingGroupOptions} checked, with defaults. */
export interface ResolvedRebalancingGroup {
  readonly partitions: number;
  readonly memberId: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
}

/** Whether a `group` option is a rebalancing group (it has `partitions`), not a fixed one. */
export function isRebalancingGroup(group: unknown): group is RebalancingGroupOptions {
  return typeof group === 'object' && group !== null && 'partitions' in group;
}

/** Checks a rebalancing `group` option and fills in defaults; an `InvalidOptionError` names the bad field. */
export function resolveRebalancingGroup(group: RebalancingGroupOptions): ResolvedRebalancingGroup {
  checkOption.object('group', group);
  const { partitions, heartbeatMs = 1_000, ttlMs = 10_000 } = group;
  if ('members' in group || 'member' in group) {
    throw new InvalidOptionError(
      'group',
      group,
      'either a fixed group { members, member } or a rebalancing group { partitions }, not both',
    );
  }
  checkOption.integer('group.partitions', partitions, 1, MAX_GROUP_PARTITIONS);
  if (partitions === undefined) {
    throw new InvalidOptionError(
      'group.partitions',
      partitions,
      `an integer from 1 to ${MAX_GROUP_PARTITIONS}`,
    );
  }
  const memberId = group.memberId ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  if (!isMemberId(memberId)) {
    throw new InvalidOptionError(
      'group.memberId',
      memberId,
      `1 to ${MAX_MEMBER_ID_LENGTH} characters without NUL`,
    );
  }
  checkOption.milliseconds('group.heartbeatMs', heartbeatMs, 1);
  checkOption.milliseconds('group.ttlMs', ttlMs, 1);
  if (ttlMs <= heartbeatMs) {
    throw new InvalidOptionError(
      'group.ttlMs',
      ttlMs,
      `more than group.heartbeatMs (${heartbeatMs})`,
    );
  }
  return { partitions, memberId, heartbeatMs, ttlMs };
}
