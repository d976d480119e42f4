import { ProgressMeter } from './progress-meter.js';
import type { AbortOptions } from '../core/abort.js';
import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { PositionWaiters } from './position-waiters.js';
import { runInTransaction } from './run-in-transaction.js';
import { startPosition } from './start-position.js';
import type { SubscriptionStart } from './subscription-options.js';

/**
 * Where a subscription instance stands: the position it reads from, its
 * checkpoint as stored, how many events it handled, the events a
 * `from: 'end'` start passes over, and the callers waiting for a position.
 *
 * @internal
 */
export class CheckpointCursor {
  /** Where the next read starts (`null`: the start of the feed). */
  position: Position | null = null;
  /** The checkpoint as last stored or loaded (`null`: none). */
  stored: Position | null = null;
  /** Events handled by this instance. */
  processed = 0;
  /** Samples of `processed`, for the rate of a catch-up in the status. */
  readonly meter = new ProgressMeter();
  readonly #store: EventStore;
  readonly #storage: AnySubscriptionStorage;
  readonly #name: string;
  readonly #from: SubscriptionStart;
  readonly #waiters = new PositionWaiters();
  /** Events appended before a `from: 'end'` start that the feed shows only now (PostgreSQL): passed over. */
  #skip: ((position: Position) => boolean) | undefined;

  constructor(
    store: EventStore,
    storage: AnySubscriptionStorage,
    name: string,
    from: SubscriptionStart,
  ) {
    this.#store = store;
    this.#storage = storage;
    this.#name = name;
    this.#from = from;
  }

  /** Loads the stored checkpoint (or the start position) and reads from there. */
  async load(): Promise<void> {
    const start = await startPosition(this.#store, this.#storage, this.#name, this.#from);
    this.stored = this.position = start.position;
    if (start.skip !== undefined) this.#skip = start.skip;
    this.#waiters.settle(this.stored);
  }

  /** The checkpoint moved to `position` after `handled` events. */
  advance(position: Position, handled: number): void {
    this.position = this.stored = position;
    this.processed += handled;
    this.meter.record(this.processed);
    this.#waiters.settle(this.stored);
  }

  /** Moves the checkpoint over events the filters left out, up to `position` (see `FeedReader`). */
  async pass(position: Position): Promise<void> {
    await runInTransaction(this.#storage, { name: this.#name, expected: this.stored }, () => ({
      checkpoint: position,
    }));
    this.advance(position, 0);
  }

  /** Back to the start (a rebuild): nothing stored, every event handled. */
  restart(): void {
    this.stored = null;
    this.#skip = undefined;
  }

  /** Whether a `from: 'end'` start passes over the event at `position`. */
  skips(position: Position): boolean {
    return this.#skip?.(position) === true;
  }

  /** Whether the checkpoint is at or past `position`. */
  reached(position: Position): boolean {
    return this.stored !== null && this.stored >= position;
  }

  /** Resolves once the checkpoint reaches `position` (see `Subscription.waitForPosition`). */
  wait(position: Position, options: AbortOptions | undefined): Promise<void> {
    return this.#waiters.add(position, options);
  }

  /** While another instance holds the lease: resolves the waiters its stored checkpoint has reached. */
  settleFromStorage(report: (error: unknown) => void): void {
    const load = async () => (await this.#storage.checkpoints.load(this.#name))?.position ?? null;
    void this.#waiters.settleFrom(load, report);
  }

  /** Fails every waiter (the subscription stopped or failed). */
  fail(error: unknown): void {
    this.#waiters.fail(error);
  }
}
