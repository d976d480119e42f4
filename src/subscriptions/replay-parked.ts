import type { EventStore } from '../core/event-store.js';
import type { BatchRunner } from './batch-runner.js';
import { toDeadLetterError } from '../core/contracts/dead-letter-store.js';
import type { SubscriptionErrorInfo } from './subscription-options.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { runInTransaction } from './run-in-transaction.js';

/** What a replay of parked events did. */
export interface ReplayResult {
  /** Parked events handled successfully, and so removed from the dead letters. */
  readonly replayed: number;
  /** Parked events that failed again (they stay parked, with the new error), or are no longer in the store. */
  readonly failed: number;
}

/** Handles the parked events of subscription `name` once each (internal: see `Subscription.replayParked`). */
export async function replayParked<Tx>(
  store: EventStore,
  storage: SubscriptionStorage<Tx>,
  name: string,
  runner: BatchRunner<Tx>,
  report: (error: unknown, info: Omit<SubscriptionErrorInfo, 'subscription'>) => void,
  eventIds: readonly string[] | undefined,
): Promise<ReplayResult> {
  const wanted = eventIds === undefined ? undefined : new Set(eventIds);
  const letters = (await storage.deadLetters.list(name)).filter(
    (l) => wanted === undefined || wanted.has(l.eventId),
  );
  let replayed = 0;
  let failed = 0;
  for (const letter of letters) {
    const { events } = await store.read(letter.streamId, { from: letter.version, limit: 1 });
    const event = events[0];
    if (event?.id !== letter.eventId) {
      failed++;
      continue;
    }
    const fault = await runner.applyOnce(event, { unpark: event.id });
    if (fault === undefined) {
      replayed++;
      continue;
    }
    failed++;
    report(fault.cause, { event, attempt: letter.attempts + 1 });
    await runInTransaction(storage, { name }, () => ({
      park: { subscription: name, event, error: toDeadLetterError(fault.cause), attempts: 1 },
    }));
  }
  return { replayed, failed };
}
