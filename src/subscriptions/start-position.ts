import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { feedEndOf } from '../core/contracts/feed-end.js';
import { runInTransaction } from './run-in-transaction.js';
import type { SubscriptionStart } from './subscription-options.js';

/** Where a subscription reads from, and the events after it to pass over unhandled. */
export interface StartPoint {
  /** The position to read after (`null`: the start). */
  readonly position: Position | null;
  /**
   * Events after `position` appended before a `from: 'end'` start (on a feed
   * that can show committed events late, PostgreSQL's): not new, so skipped.
   */
  readonly skip: ((position: Position) => boolean) | undefined;
}

/**
 * Where subscription `name` reads from: its stored checkpoint, or
 * without one, `from` (`null`: the start). A start past the beginning is
 * stored as its checkpoint at once, so a restart before the first event
 * skips none of them ("end" stays where it was). `'end'` is the store's
 * feed end: its head, less the events above it whose appends had resolved.
 *
 * @internal
 */
export async function startPosition<Tx>(
  store: EventStore,
  storage: SubscriptionStorage<Tx>,
  name: string,
  from: SubscriptionStart,
): Promise<StartPoint> {
  const checkpoint = await storage.checkpoints.load(name);
  if (checkpoint !== undefined) return { position: checkpoint.position, skip: undefined };
  let start: Position | null;
  let skip: StartPoint['skip'];
  if (from === 'end') {
    const end = await feedEndOf(store);
    start = end.position ?? null;
    skip = end.committedBefore;
  } else {
    start = from === 'start' ? null : from;
  }
  if (start !== null) {
    await runInTransaction(storage, { name, expected: null }, () => ({ checkpoint: start }));
  }
  return { position: start, skip };
}
