import type {
  DeadLetter,
  DeadLetterStore,
  NewDeadLetter,
} from '../core/contracts/dead-letter-store.js';
import { assertSubscriptionName } from '../core/contracts/subscription-name.js';

/**
 * Dead letters in process memory.
 *
 * @example
 * ```ts
 * const deadLetters = new InMemoryDeadLetterStore();
 * console.log(await deadLetters.list('emailer'));
 * ```
 */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  /** By subscription, then event id. */
  readonly #letters = new Map<string, Map<string, DeadLetter>>();

  list(subscription?: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    const all =
      subscription === undefined
        ? [...this.#letters.values()].flatMap((m) => [...m.values()])
        : [...(this.#letters.get(subscription)?.values() ?? [])];
    all.sort((a, b) =>
      a.position < b.position
        ? -1
        : a.position > b.position
          ? 1
          : a.subscription < b.subscription
            ? -1
            : 1,
    );
    return Promise.resolve(all.slice(0, options.limit ?? all.length));
  }

  count(subscription?: string): Promise<number> {
    if (subscription !== undefined)
      return Promise.resolve(this.#letters.get(subscription)?.size ?? 0);
    let total = 0;
    for (const m of this.#letters.values()) total += m.size;
    return Promise.resolve(total);
  }

  park(letter: NewDeadLetter): Promise<void> {
    return new Promise((resolve) => {
      assertSubscriptionName(letter.subscription);
      const { event } = letter;
      let letters = this.#letters.get(letter.subscription);
      if (letters === undefined) {
        letters = new Map<string, DeadLetter>();
        this.#letters.set(letter.subscription, letters);
      }
      const previous = letters.get(event.id);
      const now = new Date();
      letters.set(event.id, {
        subscription: letter.subscription,
        eventId: event.id,
        streamId: event.streamId,
        version: event.version,
        position: event.position,
        type: event.type,
        error: letter.error,
        attempts: (previous?.attempts ?? 0) + letter.attempts,
        parkedAt: previous?.parkedAt ?? now,
        lastAttemptAt: now,
      });
      resolve();
    });
  }

  remove(subscription: string, eventId: string): Promise<boolean> {
    return Promise.resolve(this.#letters.get(subscription)?.delete(eventId) ?? false);
  }

  clear(subscription: string): Promise<number> {
    const size = this.#letters.get(subscription)?.size ?? 0;
    this.#letters.delete(subscription);
    return Promise.resolve(size);
  }
}
