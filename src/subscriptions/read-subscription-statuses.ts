import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import { measureLag, type SubscriptionLag } from './feed-lag.js';
import type { LeaseInfo } from '../core/contracts/lease-store.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';

/** A subscription's status as its storage knows it, from any process. */
export interface StoredSubscriptionStatus {
  /** The subscription (or group member). */
  readonly name: string;
  /** `'running'` while some instance holds its lease, else `'stopped'`. */
  readonly state: 'running' | 'stopped';
  readonly checkpoint: Position | null;
  /** When the checkpoint was last written. */
  readonly updatedAt: Date | undefined;
  /** Behind the head of the whole feed (its filters are not stored, so an upper bound). */
  readonly lag: SubscriptionLag;
  readonly parked: number;
  readonly lease?: LeaseInfo;
}

/**
 * Every subscription a storage has a checkpoint or dead letters for, with its
 * lag, parked count and lease: the operator's view, from any process.
 *
 * @example
 * ```ts
 * for (const s of await readSubscriptionStatuses(store, storage)) {
 *   console.log(s.name, s.state, s.lag.events, s.parked);
 * }
 * ```
 */
export async function readSubscriptionStatuses(
  store: EventStore,
  storage: AnySubscriptionStorage,
): Promise<StoredSubscriptionStatus[]> {
  const checkpoints = await storage.checkpoints.list();
  const letters = await storage.deadLetters.list();
  const names = new Set([...checkpoints.map((c) => c.name), ...letters.map((l) => l.subscription)]);
  const out: StoredSubscriptionStatus[] = [];
  for (const name of [...names].sort()) {
    const checkpoint = checkpoints.find((c) => c.name === name);
    const position = checkpoint?.position ?? null;
    const [lag, lease] = await Promise.all([
      measureLag(store, position, {}),
      storage.leases.holderOf(name),
    ]);
    out.push({
      name,
      state: lease === undefined ? 'stopped' : 'running',
      checkpoint: position,
      updatedAt: checkpoint?.updatedAt,
      lag,
      parked: letters.filter((l) => l.subscription === name).length,
      ...(lease === undefined ? {} : { lease }),
    });
  }
  return out;
}
