import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { LeaseInfo } from '../core/contracts/lease-store.js';
import type { ProgressMeter } from './progress-meter.js';
import { measureLag, type SubscriptionLag } from './feed-lag.js';
import { DatabaseError } from '../core/errors.js';
import { isConnectionLost } from './is-connection-lost.js';
import type { SubscriptionState, SubscriptionStatus } from './subscription-status.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';

/** What only the running instance knows of itself. */
export interface InstanceFacts {
  readonly state: SubscriptionState;
  readonly processed: number;
  readonly lastError: { readonly message: string; readonly at: Date } | undefined;
  /** While catching up: the meter of its progress. */
  readonly meter?: ProgressMeter | undefined;
}

/** The part of a status read from the store and the storage, and when it was read. */
interface StoredPart {
  readonly checkpoint: Position | null;
  readonly lag: SubscriptionLag;
  readonly parked: number;
  readonly lease: LeaseInfo | undefined;
  readonly at: Date;
}

/**
 * Reads a running subscription's status: its stored state (checkpoint, lag,
 * parked, lease) and its own facts. While the store or the storage fails
 * with a `DatabaseError` (unreachable, a lost connection, a timeout, a busy
 * file), a status is still given once one was read: the stored part as last
 * read, marked `stale` with when and why.
 */
export class InstanceStatusReader {
  readonly #store: EventStore;
  readonly #storage: AnySubscriptionStorage;
  readonly #name: string;
  readonly #filter: {
    types: readonly string[] | undefined;
    categories: readonly string[] | undefined;
  };
  #last: StoredPart | undefined;

  constructor(
    store: EventStore,
    storage: AnySubscriptionStorage,
    name: string,
    filter: { types: readonly string[] | undefined; categories: readonly string[] | undefined },
  ) {
    this.#store = store;
    this.#storage = storage;
    this.#name = name;
    this.#filter = filter;
  }

  async read(facts: InstanceFacts): Promise<SubscriptionStatus> {
    let stored: StoredPart;
    let stale: SubscriptionStatus['stale'];
    try {
      stored = await this.#readStored();
      this.#last = stored;
    } catch (error) {
      if (this.#last === undefined || !(DatabaseError.is(error) || isConnectionLost(error)))
        throw error;
      stored = this.#last;
      stale = { since: stored.at, reason: error instanceof Error ? error.message : String(error) };
    }
    return {
      name: this.#name,
      state: facts.state,
      checkpoint: stored.checkpoint,
      lag: stored.lag,
      parked: stored.parked,
      processed: facts.processed,
      ...(stored.lease === undefined ? {} : { lease: stored.lease }),
      ...(facts.lastError === undefined ? {} : { lastError: facts.lastError }),
      ...(facts.meter === undefined
        ? {}
        : { progress: facts.meter.read(stored.lag.events, stored.lag.capped) }),
      ...(stale === undefined ? {} : { stale }),
    };
  }

  async #readStored(): Promise<StoredPart> {
    const checkpoint = (await this.#storage.checkpoints.load(this.#name))?.position ?? null;
    const [lag, parked, lease] = await Promise.all([
      measureLag(this.#store, checkpoint, this.#filter),
      this.#storage.deadLetters.count(this.#name),
      this.#storage.leases.holderOf(this.#name),
    ]);
    return { checkpoint, lag, parked, lease, at: new Date() };
  }
}
