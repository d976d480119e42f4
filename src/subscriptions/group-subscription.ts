import { abortScope, checkAbortOptions, type AbortOptions } from '../core/abort.js';
import { EventfoldError, InvalidOptionError } from '../core/errors.js';
import type { EventStore } from '../core/event-store.js';
import type { Position } from '../core/position.js';
import type { MembershipStore } from '../core/contracts/membership-store.js';
import type { SubscriptionStorage } from '../core/contracts/subscription-storage.js';
import { subscriptionNames } from './consumer-group.js';
import { storageOf } from './default-storage.js';
import { Deferred } from './deferred.js';
import type { EventApplier } from './event-applier.js';
import { InterruptibleSleep } from './interruptible-sleep.js';
import { isFatal } from './is-fatal.js';
import { assignedPartitions } from './partition-assignment.js';
import {
  isRebalancingGroup,
  resolveRebalancingGroup,
  type ResolvedRebalancingGroup,
} from './rebalancing-group.js';
import type { ReplayResult } from './replay-parked.js';
import { reportError, type LastError } from './report-error.js';
import { resetInTransaction } from './reset-projection.js';
import { SharedFeed } from './shared-feed.js';
import { partitionsReached, refuseOtherPartitionCounts } from './partition-checkpoints.js';
import type { GroupState, GroupStatus, GroupSubscriptionOptions } from './group-status.js';
import { Subscription } from './subscription.js';
import {
  resolveSubscriptionOptions,
  type ResolvedSubscriptionOptions,
  type SubscriptionOptions,
} from './subscription-options.js';

/**
 * A member of a rebalancing consumer group, as `subscribe` and
 * `startProjection` return it for a `group: { partitions }` option: it beats
 * its heart in the storage's `membership`, computes from the live members
 * which partitions are its own, and runs one subscription per owned
 * partition (`name[p/partitions]`, with its own checkpoint, lease and dead
 * letters; each handles its partition's streams, and their reads of the
 * same feed positions are shared: one query serves them all). A
 * partition that is no longer its own is stopped after the batch in hand
 * and its lease released; a new one starts once its lease is free (a dead
 * member's as soon as its lease ends). Two members never run one partition
 * at once, and one partition is handled in feed order: per-stream order
 * holds across handovers, and an exactly-once projection commits each
 * event once (its checkpoint is compared-and-set in the transaction).
 *
 * @example
 * ```ts
 * await using member = subscribe(store, { name: 'mailer', group: { partitions: 8 }, handler });
 * await member.caughtUp;
 * console.log(member.owned); // e.g. [0, 2, 4, 6] while two members are live
 * ```
 */
export class GroupSubscription<Tx = unknown> implements AsyncDisposable {
  /** The group's name (each partition's state is kept under `name[p/partitions]`). */
  readonly name: string;
  /** This member's id (also the holder of its partitions' leases). */
  readonly memberId: string;
  /** How many partitions the group has. */
  readonly partitions: number;
  /** Where checkpoints, dead letters, leases and members are kept. */
  readonly storage: SubscriptionStorage<Tx>;
  readonly #store: EventStore;
  readonly #options: SubscriptionOptions<Tx>;
  readonly #resolved: ResolvedSubscriptionOptions<Tx>;
  readonly #group: ResolvedRebalancingGroup;
  readonly #membership: MembershipStore;
  readonly #applier: EventApplier<Tx>;
  readonly #closeStorage: () => Promise<void>;
  readonly #sleeps = new InterruptibleSleep();
  readonly #finished = new Deferred<void>();
  readonly #caughtUp = new Deferred<void>();
  /** The partition subscriptions this member runs, by partition. */
  readonly #running = new Map<number, Subscription<Tx>>();
  /** Partitions being given up: resolves when the subscription has stopped (lease released). */
  readonly #releasing = new Map<number, Promise<void>>();
  /** The feed its partitions read, sharing their reads of the same positions. */
  #feed: SharedFeed | undefined;
  #members: readonly string[] = [];
  #state: GroupState = 'idle';
  #run: Promise<void> | undefined;
  #stopping = false;
  #failure: { error: unknown } | undefined;
  #lastBeat = 0;
  #processedBefore = 0;
  #lastError: LastError | undefined;
  readonly #onAbort = (): void => void this.stop();

  /** Prefer `subscribe` or `startProjection`; this does not start it (call {@link GroupSubscription.start}). */
  constructor(store: EventStore, options: GroupSubscriptionOptions<Tx>, applier: EventApplier<Tx>) {
    if (!isRebalancingGroup(options.group)) {
      throw new InvalidOptionError('group', options.group, 'a rebalancing group { partitions }');
    }
    this.#group = resolveRebalancingGroup(options.group);
    if (options.lease === false) {
      throw new InvalidOptionError(
        'lease',
        false,
        'a lease (the default): a rebalancing group hands its partitions over by their leases',
      );
    }
    const { partitions, memberId } = this.#group;
    // Every option checked once, as partition 0's.
    this.#resolved = resolveSubscriptionOptions(
      { ...options, group: { members: partitions, member: 0 } },
      store,
    );
    const { storage, close } = storageOf(store, options.storage);
    const membership = storage.membership;
    if (membership === undefined) {
      void close();
      throw new InvalidOptionError(
        'storage',
        storage,
        'a storage with `membership` (the memory, SQLite and PostgreSQL storages have it) for a rebalancing group',
      );
    }
    this.name = options.name;
    this.memberId = memberId;
    this.partitions = partitions;
    this.storage = storage;
    this.#store = store;
    this.#membership = membership;
    this.#closeStorage = close;
    this.#applier = applier;
    this.#options = {
      ...options,
      storage,
      lease: { ...options.lease, holder: memberId },
      signal: undefined,
    };
    const signal = this.#resolved.signal;
    if (signal?.aborted === true) this.#stopping = true;
    else signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** What it is doing now. */
  get state(): GroupState {
    return this.#state;
  }

  /** The live members as last seen by this member's heartbeat, in code point order. */
  get members(): readonly string[] {
    return this.#members;
  }

  /** The partitions this member runs now, ascending. */
  get owned(): number[] {
    return [...this.#running.keys()].sort((a, b) => a - b);
  }

  /** Events handled by this member so far, over every partition it ran. */
  get processed(): number {
    let total = this.#processedBefore;
    for (const sub of this.#running.values()) total += sub.processed;
    return total;
  }

  /**
   * Resolves once, after this member joined, every partition of the group
   * (whoever runs it) has its checkpoint at or past the feed's head as it
   * was at the first heartbeat; rejects when the member fails or stops first.
   */
  get caughtUp(): Promise<void> {
    return this.#caughtUp.promise;
  }

  /** Resolves when it has stopped (left the group); rejects with the error that made it fail. */
  get finished(): Promise<void> {
    return this.#finished.promise;
  }

  /** Joins the group and starts running its partitions (once; later calls do nothing). */
  start(): this {
    this.#run ??= this.#loop();
    return this;
  }

  /**
   * Leaves the group gracefully: leaves the membership (the others take its
   * partitions over), stops each partition after the batch in hand and
   * releases its lease. Resolves when done, also when it had failed.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#sleeps.interrupt(false);
    if (this.#run === undefined) {
      this.#run = this.#shutDown();
    } else if (this.#state !== 'failed' && this.#state !== 'stopped') this.#state = 'stopping';
    await this.#run;
  }

  /** Stops it, as {@link GroupSubscription.stop} does: `await using member = subscribe(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /**
   * Resolves once every partition's stored checkpoint is at or past
   * `position` (any position of the feed), whoever runs the partition; read
   * every `pollIntervalMs` (at most 250 ms). `signal` and `timeoutMs` give
   * up waiting (not the member).
   *
   * @example
   * ```ts
   * await member.waitForPosition(appended.position, { timeoutMs: 10_000 });
   * ```
   */
  async waitForPosition(position: Position, options?: AbortOptions): Promise<void> {
    checkAbortOptions(options);
    using scope = abortScope(options);
    const every = Math.min(this.#resolved.pollIntervalMs, 250);
    for (;;) {
      scope.signal?.throwIfAborted();
      if (await partitionsReached(this.storage, this.name, this.partitions, position)) return;
      if (this.#state === 'failed' || this.#state === 'stopped') {
        throw new EventfoldError(
          `Group "${this.name}" member "${this.memberId}" is ${this.#state}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, every);
        scope.signal?.addEventListener('abort', done, { once: true });
        function done(): void {
          clearTimeout(timer);
          scope.signal?.removeEventListener('abort', done);
          resolve();
        }
      });
    }
  }

  /** This member's view: the live members, its partitions and their statuses. */
  async status(): Promise<GroupStatus> {
    const owned = this.owned;
    const running = await Promise.all(
      owned.map((p) => (this.#running.get(p) as Subscription<Tx>).status()),
    );
    return {
      name: this.name,
      memberId: this.memberId,
      state: this.#state,
      partitions: this.partitions,
      members: this.#members,
      owned,
      running,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    };
  }

  /**
   * Rebuilds from the start while writers keep appending: in one
   * transaction, runs the `reset` hook and moves every partition's
   * checkpoint back to the start, clearing their dead letters (between
   * batches of a partition this member runs); every member's partitions
   * notice at their next commit or poll and start over.
   */
  rebuild(): Promise<void> {
    const first = this.#running.values().next();
    if (first.done !== true) return first.value.rebuild();
    const names = subscriptionNames(this.name, this.partitions);
    return resetInTransaction(this.storage, names[0] as string, names, this.#applier.reset);
  }

  /**
   * Handles the parked events of the partitions this member runs again
   * (all of them, or those with the given event ids), once each, between
   * their batches: a success removes the dead letter; a failure keeps it,
   * with the new error. Other members' partitions are theirs to replay.
   */
  async replayParked(options: { eventIds?: readonly string[] } = {}): Promise<ReplayResult> {
    let replayed = 0;
    let failed = 0;
    for (const p of this.owned) {
      const result = await (this.#running.get(p) as Subscription<Tx>).replayParked(options);
      replayed += result.replayed;
      failed += result.failed;
    }
    return { replayed, failed };
  }

  async #loop(): Promise<void> {
    this.#state = 'joining';
    try {
      this.#feed = new SharedFeed(this.#store);
      await refuseOtherPartitionCounts(this.storage, this.name, this.partitions, this.memberId);
      while (!this.#stopping) {
        await this.#beat();
        this.#throwIfFailed();
        if (!this.#stopping) await this.#sleeps.sleep(this.#group.heartbeatMs, false);
        this.#throwIfFailed();
      }
    } catch (error) {
      this.#failure ??= { error };
      this.#report(error);
    }
    await this.#shutDown();
  }

  /** Throws the error of a partition that failed. */
  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }

  /** Beats the heart, then starts and stops partitions to match the assignment. */
  async #beat(): Promise<void> {
    const { partitions, memberId, ttlMs } = this.#group;
    let live: string[];
    try {
      live = (await this.#membership.heartbeat(this.name, memberId, ttlMs)).map((m) => m.member);
      this.#lastBeat = Date.now();
    } catch (error) {
      if (isFatal(error)) throw error;
      this.#report(error);
      // Not joined yet: try again. Joined: keep its partitions while it may still count as live.
      if (this.#lastBeat === 0 || Date.now() - this.#lastBeat < ttlMs) return;
      live = [];
    }
    if (this.#stopping) return;
    this.#members = live;
    const mine = new Set(assignedPartitions(memberId, live, partitions));
    for (const p of [...this.#running.keys()]) if (!mine.has(p)) this.#release(p);
    for (const p of mine) if (!this.#running.has(p)) this.#take(p);
    if (this.#state === 'joining') {
      this.#state = 'running';
      this.#watchCaughtUp();
    }
  }

  /** Starts partition `p`'s subscription, once a previous one of this member has stopped. */
  #take(p: number): void {
    const sub = new Subscription<Tx>(
      this.#feed?.store ?? this.#store,
      { ...this.#options, group: { members: this.partitions, member: p } },
      this.#applier,
    );
    this.#running.set(p, sub);
    sub.finished.catch((error: unknown) => {
      this.#failure ??= { error };
      this.#sleeps.interrupt(false);
    });
    void (this.#releasing.get(p) ?? Promise.resolve()).then(() => {
      if (this.#running.get(p) === sub && !this.#stopping) sub.start();
    });
  }

  /** Stops partition `p`'s subscription (after its batch in hand), releasing its lease. */
  #release(p: number): void {
    const sub = this.#running.get(p);
    if (sub === undefined) return;
    this.#running.delete(p);
    const before = this.#releasing.get(p) ?? Promise.resolve();
    const stopped = before
      .then(() => sub.stop())
      .catch(() => undefined)
      .then(() => {
        this.#processedBefore += sub.processed;
        if (this.#releasing.get(p) === stopped) this.#releasing.delete(p);
      });
    this.#releasing.set(p, stopped);
  }

  /** Leaves the group, stops every partition, closes the storage it opened, and settles. */
  async #shutDown(): Promise<void> {
    if (this.#state !== 'failed') this.#state = 'stopping';
    await this.#membership.leave(this.name, this.memberId).catch((error: unknown) => {
      this.#report(error);
    });
    for (const p of [...this.#running.keys()]) this.#release(p);
    await Promise.all([...this.#releasing.values()]);
    this.#feed?.close();
    await this.#closeStorage().catch((error: unknown) => this.#report(error));
    this.#resolved.signal?.removeEventListener('abort', this.#onAbort);
    const failure = this.#failure;
    if (failure === undefined) {
      this.#state = 'stopped';
      this.#finished.resolve();
      this.#caughtUp.reject(
        new EventfoldError(`Group "${this.name}" member "${this.memberId}" stopped`),
      );
    } else {
      this.#state = 'failed';
      this.#finished.reject(failure.error);
      this.#caughtUp.reject(failure.error);
    }
  }

  /** After the first heartbeat: resolves `caughtUp` once every partition reaches the head as it is now. */
  #watchCaughtUp(): void {
    void (async () => {
      try {
        const head = await this.#store.headPosition();
        if (head !== undefined) await this.waitForPosition(head);
        this.#caughtUp.resolve();
      } catch (error) {
        this.#caughtUp.reject(error);
      }
    })();
  }

  #report(error: unknown): void {
    this.#lastError = reportError(this.#resolved, error, { subscription: this.name });
  }
}
