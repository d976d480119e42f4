import { isPromiseLike } from '../is-promise-like.js';
import type { Position } from '../position.js';
import type { NewDeadLetter } from './dead-letter-store.js';
import { assertSubscriptionName } from './subscription-name.js';
import type { TransactionOutcome } from './subscription-storage.js';

/**
 * The writes a subscription storage makes for a {@link TransactionOutcome}
 * (for storage authors), in its own transaction: every method returns
 * nothing (a synchronous storage) or a promise (an asynchronous one).
 */
export interface OutcomeWriter<R extends void | Promise<void>> {
  /** Parks an event (or adds the attempts of another failure to its dead letter). */
  park(letter: NewDeadLetter): R;
  /** Removes one dead letter of `subscription`. */
  unpark(subscription: string, eventId: string): R;
  /** Removes every dead letter of `subscription`. */
  clearDeadLetters(subscription: string): R;
  /** Sets `name`'s checkpoint (`null`: back to the start). */
  saveCheckpoint(name: string, position: Position | null): R;
}

/**
 * Writes `outcome` of a transaction of subscription `name` through `writer`,
 * one write after the other: the dead letter to park, the one to remove, the
 * resets (dead letters cleared, checkpoints back to the start), and last the
 * scope's own checkpoint (`null` when it was reset). Checks the reset names
 * before writing anything. Synchronous when the writer is.
 *
 * @example
 * ```ts
 * await applyOutcome(outcome, scope.name, {
 *   park: (letter) => this.deadLetters.park(letter),
 *   unpark: async (subscription, eventId) => void (await this.deadLetters.remove(subscription, eventId)),
 *   clearDeadLetters: async (subscription) => void (await this.deadLetters.clear(subscription)),
 *   saveCheckpoint: (name, position) => this.checkpoints.save(name, position),
 * });
 * ```
 */
export function applyOutcome(
  outcome: TransactionOutcome,
  name: string,
  writer: OutcomeWriter<Promise<void>>,
): Promise<void>;
export function applyOutcome(
  outcome: TransactionOutcome,
  name: string,
  writer: OutcomeWriter<void>,
): void;
export function applyOutcome(
  outcome: TransactionOutcome,
  name: string,
  writer: OutcomeWriter<void | Promise<void>>,
): void | Promise<void> {
  const { park, unpark, reset = [], checkpoint } = outcome;
  const writes: (() => void | Promise<void>)[] = [];
  if (park !== undefined) writes.push(() => writer.park(park));
  if (unpark !== undefined) writes.push(() => writer.unpark(name, unpark));
  for (const other of reset) {
    assertSubscriptionName(other);
    writes.push(() => writer.clearDeadLetters(other));
    if (other !== name) writes.push(() => writer.saveCheckpoint(other, null));
  }
  const own = reset.includes(name) ? null : checkpoint;
  if (own !== undefined) writes.push(() => writer.saveCheckpoint(name, own));
  return inOrder(writes, 0);
}

/** Runs `writes` from `from` on, each after the previous one settled; synchronous while they are. */
function inOrder(
  writes: readonly (() => void | Promise<void>)[],
  from: number,
): void | Promise<void> {
  for (let i = from; i < writes.length; i++) {
    const result = (writes[i] as () => void | Promise<void>)();
    if (isPromiseLike(result)) return Promise.resolve(result).then(() => inOrder(writes, i + 1));
  }
  return undefined;
}
