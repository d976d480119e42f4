import type { Position } from '../core/position.js';
import type { SubscriptionLag } from './feed-lag.js';
import type { CatchUpProgress } from './progress-meter.js';
import type { LeaseInfo } from '../core/contracts/lease-store.js';

/**
 * What a subscription instance is doing:
 * - `'idle'`: not started;
 * - `'waiting-for-lease'`: another instance holds the name's lease;
 * - `'catching-up'`: reading the feed towards its head;
 * - `'live'`: caught up, waiting for new events;
 * - `'retrying'`: its store or storage failed (unreachable, connection lost,
 *   timed out): it waits with backoff and tries again; `lastError` says why;
 * - `'stopping'`, `'stopped'`;
 * - `'failed'`: stopped by an error (`onFailure: 'stop'`, or a closed store).
 */
export type SubscriptionState =
  | 'idle'
  | 'waiting-for-lease'
  | 'catching-up'
  | 'live'
  | 'retrying'
  | 'stopping'
  | 'stopped'
  | 'failed';

/**
 * A subscription's status, for operators.
 *
 * @example
 * ```ts
 * const { state, checkpoint, lag, parked } = await subscription.status();
 * console.log(`${state}: ${lag.events} events / ${lag.ms} ms behind, ${parked} parked`);
 * ```
 */
export interface SubscriptionStatus {
  /** The subscription (or group member). */
  readonly name: string;
  readonly state: SubscriptionState;
  /** The last position handled (`null`: nothing yet, from the start). */
  readonly checkpoint: Position | null;
  readonly lag: SubscriptionLag;
  /** Events parked in the dead-letter store. */
  readonly parked: number;
  /** Events handled by this instance since it started. */
  readonly processed: number;
  /**
   * While catching up (also after a rebuild): events done since it began, the
   * rate over the last 10 seconds, events remaining (the lag) and the time left.
   */
  readonly progress?: CatchUpProgress;
  /** Who holds the lease, if anyone. */
  readonly lease?: LeaseInfo;
  /** The last error seen (a handler's, or the storage's), and when. */
  readonly lastError?: { readonly message: string; readonly at: Date };
  /**
   * Set when the store or the storage could not be read for this status (a
   * `DatabaseError`: unreachable, connection lost, timed out): `checkpoint`,
   * `lag`, `parked` and `lease` are then as last read, at `since`, and
   * `reason` is the error's message. Before any status was read, such a
   * failure rejects `status()` instead.
   */
  readonly stale?: { readonly since: Date; readonly reason: string };
}
