import type { Lease, LeaseInfo, LeaseStore } from '../core/contracts/lease-store.js';
import { assertSubscriptionName } from '../core/contracts/subscription-name.js';

interface Held {
  readonly holder: string;
  expiresAt: number;
}

/**
 * Leases within one process: instances sharing this store run a subscription
 * name one at a time (the SQL storages extend this across processes).
 *
 * @example
 * ```ts
 * const leases = new InMemoryLeaseStore();
 * const lease = await leases.tryAcquire('task-list', 'me', 10_000);
 * ```
 */
export class InMemoryLeaseStore implements LeaseStore {
  readonly #held = new Map<string, Held>();

  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return new Promise((resolve) => {
      assertSubscriptionName(name);
      const now = Date.now();
      const current = this.#held.get(name);
      if (current !== undefined && current.holder !== holder && current.expiresAt > now) {
        resolve(undefined);
        return;
      }
      const held: Held = { holder, expiresAt: now + ttlMs };
      this.#held.set(name, held);
      resolve({
        name,
        holder,
        renew: () => {
          if (this.#held.get(name) !== held) return Promise.resolve(false);
          held.expiresAt = Date.now() + ttlMs;
          return Promise.resolve(true);
        },
        release: () => {
          if (this.#held.get(name) === held) this.#held.delete(name);
          return Promise.resolve();
        },
      });
    });
  }

  holderOf(name: string): Promise<LeaseInfo | undefined> {
    const held = this.#held.get(name);
    if (held === undefined || held.expiresAt <= Date.now()) return Promise.resolve(undefined);
    return Promise.resolve({ holder: held.holder, expiresAt: new Date(held.expiresAt) });
  }
}
