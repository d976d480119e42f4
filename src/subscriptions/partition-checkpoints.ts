import { InvalidOptionError } from '../core/errors.js';
import type { Position } from '../core/position.js';
import type { SubscriptionStateStores } from '../core/contracts/subscription-storage.js';
import { subscriptionNames } from './consumer-group.js';

/**
 * Refuses (an `InvalidOptionError` naming `group.partitions`) to let a member
 * of `partitions` partitions join group `name` while partitions of another
 * count of it are running (a checkpoint `name[p/n]` of another `n` whose lease
 * another holder has): both sets would handle every event.
 */
export async function refuseOtherPartitionCounts(
  storage: SubscriptionStateStores,
  name: string,
  partitions: number,
  memberId: string,
): Promise<void> {
  const prefix = `${name}[`;
  const others = new Map<number, string[]>();
  for (const checkpoint of await storage.checkpoints.list()) {
    if (!checkpoint.name.startsWith(prefix) || !checkpoint.name.endsWith(']')) continue;
    const match = /^(\d+)\/(\d+)$/u.exec(checkpoint.name.slice(prefix.length, -1));
    const count = Number(match?.[2]);
    if (match === null || count === partitions) continue;
    others.set(count, [...(others.get(count) ?? []), checkpoint.name]);
  }
  for (const [count, names] of others) {
    for (const held of names) {
      const holder = await storage.leases.holderOf(held);
      if (holder === undefined || holder.holder === memberId) continue;
      throw new InvalidOptionError(
        'group.partitions',
        partitions,
        `${count}, the count of the partitions that run now ("${held}" is held by "${holder.holder}"): stop them before changing the count`,
      );
    }
  }
}

/** Whether the stored checkpoint of every partition of group `name` is at or past `position`. */
export async function partitionsReached(
  storage: SubscriptionStateStores,
  name: string,
  partitions: number,
  position: Position,
): Promise<boolean> {
  const names = new Set(subscriptionNames(name, partitions));
  let reached = 0;
  for (const checkpoint of await storage.checkpoints.list()) {
    if (!names.has(checkpoint.name)) continue;
    if (checkpoint.position !== null && checkpoint.position >= position) reached++;
  }
  return reached === names.size;
}
