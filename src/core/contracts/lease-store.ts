/**
 * A held lease: the right to run the subscription of `name`, in this process
 * only, until released or lost.
 */
export interface Lease {
  readonly name: string;
  readonly holder: string;
  /**
   * Keeps the lease: resolves to `false` when it was lost (it expired and
   * another holder took it, or its connection dropped). Called periodically.
   */
  renew(): Promise<boolean>;
  /** Gives the lease up. Never rejects. */
  release(): Promise<void>;
}

/** Who holds a lease, for status views. */
export interface LeaseInfo {
  readonly holder: string;
  /** When the lease ends unless renewed (absent for a lease tied to a connection). */
  readonly expiresAt?: Date;
}

/**
 * Grants one holder at a time the lease of a subscription name, across
 * processes (for the SQL storages): a subscription takes its lease before it
 * reads, and a new instance takes it over when the holder dies.
 *
 * @example
 * ```ts
 * const lease = await storage.leases.tryAcquire('task-list', 'worker-1', 10_000);
 * if (lease === undefined) console.log('held by', (await storage.leases.holderOf('task-list'))?.holder);
 * ```
 */
export interface LeaseStore {
  /** Takes the lease of `name` for `ttlMs` when it is free or expired; `undefined` when another holder has it. */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined>;
  /** Who holds the lease of `name` now, if anyone. */
  holderOf(name: string): Promise<LeaseInfo | undefined>;
}
