import type { KV } from '@nats-io/kv';
import type { Lease, LeaseInfo, LeaseStore } from '../../../core/contracts/lease-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { InvalidOptionError } from '../../../core/errors.js';
import { checkOption } from '../../../core/options.js';
import {
  encodeKey,
  guard,
  live,
  hasFields,
  parseEntry,
  revisionOf,
  writeIf,
  type NatsBuckets,
} from '../nats-kv.js';

/** A lease as stored: its holder and when it ends (milliseconds since the epoch, the holder's clock). */
interface StoredLease {
  readonly holder: string;
  readonly expiresAt: number;
}

/** How many times an acquisition re-reads after losing a race before it reports the lease taken. */
const MAX_ROUNDS = 16;

/**
 * Leases in the key-value bucket `<prefix>-leases`, one key per subscription
 * name holding `{ holder, expiresAt }` (part of a {@link NatsSubscriptionStorage}).
 * Every write is a compare-and-set on the key's revision, so of two holders
 * racing for a free lease exactly one gets it, and a renewal fails once
 * another holder has written the key (it took the lease after it expired).
 * A holder that dies keeps its lease until `ttlMs` has passed.
 *
 * Expiry is judged by each process's own clock against the time the holder
 * wrote: the processes sharing a bucket must have clocks that agree to well
 * within `ttlMs` (NTP gives milliseconds); a clock that runs ahead takes
 * leases early, one that runs behind waits longer.
 */
export class NatsLeaseStore implements LeaseStore {
  readonly #buckets: NatsBuckets;
  /** The `release` of every lease held now. */
  readonly #held = new Set<() => Promise<void>>();

  /**
   * For {@link NatsSubscriptionStorage}.
   *
   * @internal
   */
  constructor(buckets: NatsBuckets) {
    this.#buckets = buckets;
  }

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    assertSubscriptionName(name);
    if (typeof holder !== 'string' || holder.length === 0)
      throw new InvalidOptionError('holder', holder, 'a non-empty string');
    checkOption.milliseconds('ttlMs', ttlMs, 1);
    const kv = await this.#bucket();
    const key = encodeKey(name);
    const action = `acquiring the lease of "${name}"`;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = await guard(action, () => kv.get(key));
      const current = live(entry);
      const now = Date.now();
      if (current !== undefined) {
        const held = parseEntry(current, isStoredLease);
        if (held.holder !== holder && held.expiresAt > now) return undefined;
      }
      const value: StoredLease = { holder, expiresAt: now + ttlMs };
      const revision = await writeIf(kv, key, JSON.stringify(value), revisionOf(entry), action);
      if (revision !== undefined) return this.#lease(kv, name, holder, ttlMs, revision);
    }
    return undefined;
  }

  async holderOf(name: string): Promise<LeaseInfo | undefined> {
    assertSubscriptionName(name);
    const kv = await this.#bucket();
    const entry = live(
      await guard(`looking up the lease of "${name}"`, () => kv.get(encodeKey(name))),
    );
    if (entry === undefined) return undefined;
    const held = parseEntry(entry, isStoredLease);
    if (held.expiresAt <= Date.now()) return undefined;
    return { holder: held.holder, expiresAt: new Date(held.expiresAt) };
  }

  /** Releases every lease it holds (a subscription holding one loses it). */
  async close(): Promise<void> {
    await Promise.all([...this.#held].map((release) => release()));
  }

  #lease(kv: KV, name: string, holder: string, ttlMs: number, first: number): Lease {
    const key = encodeKey(name);
    let revision = first;
    let lost = false;
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      this.#held.delete(release);
      if (lost) return;
      // Removes the holder's own revision only: a lease another holder took since stays theirs.
      await this.#buckets.removeRevision('leases', revision).catch(() => undefined);
    };
    this.#held.add(release);
    return {
      name,
      holder,
      renew: async () => {
        if (lost || released) return false;
        const value: StoredLease = { holder, expiresAt: Date.now() + ttlMs };
        try {
          const next = await writeIf(
            kv,
            key,
            JSON.stringify(value),
            revision,
            `renewing the lease of "${name}"`,
          );
          if (next === undefined) lost = true;
          else revision = next;
        } catch {
          lost = true; // failed or timed out: whether the write landed is unknown, so the lease is not trusted
        }
        if (lost) this.#held.delete(release);
        return !lost;
      },
      release,
    };
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('leases');
  }
}

function isStoredLease(value: unknown): value is StoredLease {
  return hasFields(value, { holder: 'string', expiresAt: 'number' });
}
