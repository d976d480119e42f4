import type { EventStore } from '../core/event-store.js';
import { measureLag } from './feed-lag.js';
import type { SubscriptionState, SubscriptionStatus } from './subscription-status.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';

/** What only the running instance knows of itself. */
export interface InstanceFacts {
  readonly state: SubscriptionState;
  readonly processed: number;
  readonly lastError: { readonly message: string; readonly at: Date } | undefined;
}

/** A running subscription's status: its stored state (checkpoint, lag, parked, lease) and its own facts. */
export async function instanceStatus(
  store: EventStore,
  storage: AnySubscriptionStorage,
  name: string,
  filter: { types: readonly string[] | undefined; categories: readonly string[] | undefined },
  facts: InstanceFacts,
): Promise<SubscriptionStatus> {
  const checkpoint = (await storage.checkpoints.load(name))?.position ?? null;
  const [lag, parked, lease] = await Promise.all([
    measureLag(store, checkpoint, filter),
    storage.deadLetters.count(name),
    storage.leases.holderOf(name),
  ]);
  return {
    name,
    state: facts.state,
    checkpoint,
    lag,
    parked,
    processed: facts.processed,
    ...(lease === undefined ? {} : { lease }),
    ...(facts.lastError === undefined ? {} : { lastError: facts.lastError }),
  };
}
