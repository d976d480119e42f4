import type { KV, KvEntry } from '@nats-io/kv';
import type {
  DeadLetter,
  DeadLetterError,
  DeadLetterStore,
  NewDeadLetter,
} from '../../../core/contracts/dead-letter-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { DatabaseError } from '../../../core/errors.js';
import { checkOption } from '../../../core/options.js';
import type { Position } from '../../../core/position.js';
import {
  encodeKey,
  guard,
  live,
  liveEntries,
  hasFields,
  parseEntry,
  revisionOf,
  writeIf,
  type NatsBuckets,
} from '../nats-kv.js';

/** A dead letter as stored: JSON, times in milliseconds since the epoch. */
interface StoredDeadLetter {
  readonly subscription: string;
  readonly eventId: string;
  readonly streamId: string;
  readonly version: number;
  readonly position: string;
  readonly type: string;
  readonly error: DeadLetterError;
  readonly attempts: number;
  readonly parkedAt: number;
  readonly lastAttemptAt: number;
}

/** The longest error message and stack kept, in characters (a NATS message holds about 1 MiB). */
const MAX_ERROR_TEXT = 64 * 1024;
/** How many times a park re-reads after losing a race before it gives up. */
const MAX_ROUNDS = 64;

/**
 * Dead letters in the key-value bucket `<prefix>-dead-letters`, one key per
 * subscription and event (`<subscription>.<event id>`, each part in
 * base64url) holding the letter as JSON (part of a
 * {@link NatsSubscriptionStorage}). Parking the same event again adds its
 * attempts with a compare-and-set on the key's revision. An error's message
 * and stack are kept up to 65,536 characters each. Listing reads every key
 * of the subscription (or of all): dead letters are meant to be few.
 */
export class NatsDeadLetterStore implements DeadLetterStore {
  readonly #buckets: NatsBuckets;

  /**
   * For {@link NatsSubscriptionStorage}.
   *
   * @internal
   */
  constructor(buckets: NatsBuckets) {
    this.#buckets = buckets;
  }

  async list(subscription?: string, options: { limit?: number } = {}): Promise<DeadLetter[]> {
    checkOption.object('options', options);
    checkOption.integer('limit', options.limit, 0);
    const entries = await this.#entries(subscription);
    const letters = entries.map(toDeadLetter);
    letters.sort((a, b) =>
      a.position < b.position
        ? -1
        : a.position > b.position
          ? 1
          : a.subscription < b.subscription
            ? -1
            : a.subscription > b.subscription
              ? 1
              : 0,
    );
    return letters.slice(0, options.limit ?? letters.length);
  }

  async count(subscription?: string): Promise<number> {
    return (await this.#keys(subscription)).length;
  }

  async park(letter: NewDeadLetter): Promise<void> {
    assertSubscriptionName(letter.subscription);
    const { event } = letter;
    const kv = await this.#bucket();
    const key = letterKey(letter.subscription, event.id);
    const action = `parking event ${event.id} of subscription "${letter.subscription}"`;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = await guard(action, () => kv.get(key));
      const previous = live(entry);
      const before = previous === undefined ? undefined : parseEntry(previous, isStoredDeadLetter);
      const now = Date.now();
      const value: StoredDeadLetter = {
        subscription: letter.subscription,
        eventId: event.id,
        streamId: event.streamId,
        version: event.version,
        position: event.position,
        type: event.type,
        error: bounded(letter.error),
        attempts: (before?.attempts ?? 0) + letter.attempts,
        parkedAt: before?.parkedAt ?? now,
        lastAttemptAt: now,
      };
      const written = await writeIf(kv, key, JSON.stringify(value), revisionOf(entry), action);
      if (written !== undefined) return;
    }
    throw new DatabaseError(`NATS ${action} failed: the dead letter kept changing under it`);
  }

  async remove(subscription: string, eventId: string): Promise<boolean> {
    if (typeof eventId !== 'string' || eventId.length === 0) return false;
    assertSubscriptionName(subscription);
    const kv = await this.#bucket();
    const key = letterKey(subscription, eventId);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = live(await guard('removing a dead letter', () => kv.get(key)));
      if (entry === undefined) return false;
      if (await this.#buckets.removeRevision('dead-letters', entry.revision)) return true;
    }
    return false;
  }

  async clear(subscription: string): Promise<number> {
    assertSubscriptionName(subscription);
    const keys = await this.#keys(subscription);
    if (keys.length === 0) return 0;
    await this.#buckets.purgeSubject('dead-letters', `${encodeKey(subscription)}.*`);
    return keys.length;
  }

  async #keys(subscription: string | undefined): Promise<string[]> {
    if (subscription !== undefined) assertSubscriptionName(subscription);
    return this.#buckets.keys(
      'dead-letters',
      'listing dead letters',
      subscription === undefined ? '>' : `${encodeKey(subscription)}.*`,
    );
  }

  async #entries(subscription: string | undefined): Promise<KvEntry[]> {
    const keys = await this.#keys(subscription);
    return liveEntries(await this.#bucket(), keys, 'reading dead letters');
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('dead-letters');
  }
}

function letterKey(subscription: string, eventId: string): string {
  return `${encodeKey(subscription)}.${encodeKey(eventId)}`;
}

function bounded(error: DeadLetterError): DeadLetterError {
  const cut = (text: string) =>
    text.length > MAX_ERROR_TEXT ? text.slice(0, MAX_ERROR_TEXT) : text;
  return {
    name: cut(error.name),
    message: cut(error.message),
    ...(error.stack === undefined ? {} : { stack: cut(error.stack) }),
  };
}

function toDeadLetter(entry: KvEntry): DeadLetter {
  const value = parseEntry(entry, isStoredDeadLetter);
  return {
    subscription: value.subscription,
    eventId: value.eventId,
    streamId: value.streamId,
    version: value.version,
    position: value.position as Position,
    type: value.type,
    error: value.error,
    attempts: value.attempts,
    parkedAt: new Date(value.parkedAt),
    lastAttemptAt: new Date(value.lastAttemptAt),
  };
}

function isStoredDeadLetter(value: unknown): value is StoredDeadLetter {
  return hasFields(value, {
    subscription: 'string',
    eventId: 'string',
    streamId: 'string',
    version: 'number',
    position: 'string',
    type: 'string',
    error: 'object',
    attempts: 'number',
    parkedAt: 'number',
    lastAttemptAt: 'number',
  });
}
