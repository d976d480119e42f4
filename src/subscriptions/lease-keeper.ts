import type { Lease, LeaseStore } from '../core/contracts/lease-store.js';

/** Settings of a {@link LeaseKeeper}. */
export interface LeaseKeeperSettings {
  readonly leases: LeaseStore;
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly retryMs: number;
  /** Sleeps; resolves `false` when the subscription is stopping. */
  readonly sleep: (ms: number) => Promise<boolean>;
  /** Called once when a held lease is lost. */
  readonly onLost: () => void;
  /** Reports an error of the lease store (the keeper carries on). */
  readonly onError: (error: unknown) => void;
}

/** Takes a subscription's lease (waiting while another holder has it), renews it, and releases it. */
export class LeaseKeeper {
  readonly #settings: LeaseKeeperSettings;
  #lease: Lease | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastRenewed = 0;
  #renewing = false;

  constructor(settings: LeaseKeeperSettings) {
    this.#settings = settings;
  }

  /** A keeper of `lease` (its resolved options), or `undefined` without a lease. */
  static of(
    lease: Pick<LeaseKeeperSettings, 'holder' | 'ttlMs' | 'retryMs'> | undefined,
    settings: Omit<LeaseKeeperSettings, 'holder' | 'ttlMs' | 'retryMs'>,
  ): LeaseKeeper | undefined {
    return lease === undefined ? undefined : new LeaseKeeper({ ...settings, ...lease });
  }

  /**
   * Resolves `true` once the lease is held, `false` if the subscription stops
   * first. Calls `onWaiting` after each try that did not get it: `failed` when
   * the lease store failed, not when another holder has the lease.
   */
  async acquire(onWaiting: (failed: boolean) => void): Promise<boolean> {
    const { leases, name, holder, ttlMs, retryMs, sleep } = this.#settings;
    for (;;) {
      let lease: Lease | undefined;
      let failed = false;
      try {
        lease = await leases.tryAcquire(name, holder, ttlMs);
      } catch (error) {
        failed = true;
        this.#settings.onError(error);
      }
      if (lease !== undefined) {
        this.#lease = lease;
        this.#lastRenewed = Date.now();
        this.#timer = setInterval(() => void this.#renew(), Math.max(1, ttlMs / 3));
        this.#timer.unref();
        return true;
      }
      onWaiting(failed);
      if (!(await sleep(retryMs))) return false;
    }
  }

  /** Stops renewing and gives the lease up. */
  async release(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  async #renew(): Promise<void> {
    const lease = this.#lease;
    if (lease === undefined || this.#renewing) return;
    this.#renewing = true;
    let kept: boolean;
    try {
      kept = await lease.renew();
      if (kept) this.#lastRenewed = Date.now();
    } catch (error) {
      this.#settings.onError(error);
      // Keep going while the lease cannot have expired yet.
      kept = Date.now() - this.#lastRenewed < this.#settings.ttlMs * 0.8;
    } finally {
      this.#renewing = false;
    }
    if (!kept && this.#lease === lease) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#settings.onLost();
    }
  }
}
