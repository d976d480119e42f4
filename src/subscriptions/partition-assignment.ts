import { compareCodePoints } from '../core/list-streams.js';

/**
 * The partitions of a rebalancing consumer group that `member` runs, given
 * the group's live members: partition `p` goes to the member at `p mod n` of
 * the members sorted by id (code point order, `n` of them), so every member
 * computes the same assignment from the same list, each runs `⌊P/n⌋` or
 * `⌈P/n⌉` partitions, and a member absent from the list runs none.
 *
 * @example
 * ```ts
 * assignedPartitions('b', ['a', 'b', 'c'], 8); // [1, 4, 7]
 * ```
 */
export function assignedPartitions(
  member: string,
  members: readonly string[],
  partitions: number,
): number[] {
  const sorted = [...new Set(members)].sort(compareCodePoints);
  const index = sorted.indexOf(member);
  if (index < 0) return [];
  const mine: number[] = [];
  for (let p = index; p < partitions; p += sorted.length) mine.push(p);
  return mine;
}

/**
 * The whole assignment of a rebalancing consumer group: each live member's
 * partitions (see {@link assignedPartitions}), members in code point order.
 *
 * @example
 * ```ts
 * assignPartitions(['b', 'a'], 4); // Map { 'a' => [0, 2], 'b' => [1, 3] }
 * ```
 */
export function assignPartitions(
  members: readonly string[],
  partitions: number,
): Map<string, number[]> {
  const sorted = [...new Set(members)].sort(compareCodePoints);
  return new Map(sorted.map((member) => [member, assignedPartitions(member, sorted, partitions)]));
}
