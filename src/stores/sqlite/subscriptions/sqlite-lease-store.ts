import type { Lease, LeaseInfo, LeaseStore } from '../../../core/contracts/lease-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { runToPromise } from './run-to-promise.js';
import type { SqliteSubscriptionStatements } from './sqlite-subscription-statements.js';

/**
 * Leases as rows of `eventfold_leases` in a SQLite store's file, shared by
 * every process on the file: a lease is free once its expiry (wall-clock
 * milliseconds) has passed without renewal, so a dead holder's lease is taken
 * over after at most its time to live.
 */
export class SqliteLeaseStore implements LeaseStore {
  readonly #sql: SqliteSubscriptionStatements;

  /**
   * For {@link SqliteSubscriptionStorage}.
   *
   * @internal
   */
  constructor(sql: SqliteSubscriptionStatements) {
    this.#sql = sql;
  }

  tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return runToPromise('taking a lease', () => {
      assertSubscriptionName(name);
      const now = Date.now();
      if (this.#sql.acquireLease.run(name, holder, now + ttlMs, now).changes === 0)
        return undefined;
      return {
        name,
        holder,
        renew: () =>
          runToPromise(
            'renewing a lease',
            () => this.#sql.renewLease.run(Date.now() + ttlMs, name, holder).changes > 0,
          ),
        release: () =>
          runToPromise('releasing a lease', () => {
            this.#sql.releaseLease.run(name, holder);
          }).catch(() => undefined),
      };
    });
  }

  holderOf(name: string): Promise<LeaseInfo | undefined> {
    return runToPromise('reading a lease', () => {
      const row = this.#sql.lease.get(name, Date.now());
      return row === undefined
        ? undefined
        : { holder: row.holder, expiresAt: new Date(row.expires_at) };
    });
  }
}
