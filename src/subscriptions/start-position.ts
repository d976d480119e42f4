import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { runInTransaction } from './run-in-transaction.js';
import type { SubscriptionStart } from './subscription-options.js';

/**
 * Where subscription `name` reads from: its stored checkpoint, or
 * without one, `from` (`null`: the start). A start past the beginning is
 * stored as its checkpoint at once, so a restart before the first event
 * skips none of them ("end" stays where it was).
 *
 * @internal
 */
export async function startPosition<Tx>(
  store: EventStore,
  storage: SubscriptionStorage<Tx>,
  name: string,
  from: SubscriptionStart,
): Promise<Position | null> {
  const checkpoint = await storage.checkpoints.load(name);
  if (checkpoint !== undefined) return checkpoint.position;
  const start =
    from === 'start' ? null : from === 'end' ? ((await store.headPosition()) ?? null) : from;
  if (start !== null) {
    await runInTransaction(storage, { name, expected: null }, () => ({ checkpoint: start }));
  }
  return start;
}
