import { Client, type ClientConfig } from 'pg';
import type { Lease, LeaseInfo, LeaseStore } from '../../../core/contracts/lease-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { toDatabaseError } from '../postgres-database-error.js';
import {
  leaseLockKey,
  withPool,
  type PostgresSubscriptionContext,
} from './postgres-subscription-context.js';

const APPLICATION_PREFIX = 'eventfold-lease:';
/** PostgreSQL keeps application names to 63 bytes. */
const MAX_APPLICATION_NAME = 63;

/**
 * Leases as session advisory locks (`pg_try_advisory_lock`), each held on a
 * dedicated connection whose application name carries the holder. The server
 * releases the lock the moment the holder's connection ends, so a killed
 * holder's lease is free at once, and a holder that is only slow keeps it:
 * `ttlMs` only sets how often the connection is checked.
 */
export class PostgresLeaseStore implements LeaseStore {
  readonly #context: PostgresSubscriptionContext;
  readonly #config: ClientConfig;
  /** The `release` of every lease held now. */
  readonly #held = new Set<() => Promise<void>>();

  /**
   * For {@link PostgresSubscriptionStorage}; `config` opens the dedicated connections.
   *
   * @internal
   */
  constructor(context: PostgresSubscriptionContext, config: ClientConfig) {
    this.#context = context;
    this.#config = config;
  }

  async tryAcquire(name: string, holder: string, _ttlMs: number): Promise<Lease | undefined> {
    assertSubscriptionName(name);
    await this.#context.ready();
    const key = leaseLockKey(this.#context.schema, name);
    const client = new Client({
      ...this.#config,
      application_name: truncateUtf8(`${APPLICATION_PREFIX}${holder}`, MAX_APPLICATION_NAME),
    });
    let lost = false;
    client.on('error', () => (lost = true));
    client.on('end', () => (lost = true));
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(this.#context.sql.tryLease, [key]);
      if (rows[0]?.ok !== true) {
        await client.end();
        return undefined;
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw toDatabaseError(error, 'lease acquisition', this.#context.secrets);
    }
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      this.#held.delete(release);
      if (!lost) await client.query(this.#context.sql.unlockLease, [key]).catch(() => undefined);
      await client.end().catch(() => undefined);
    };
    this.#held.add(release);
    return {
      name,
      holder,
      renew: async () => {
        if (lost || released) return false;
        try {
          await client.query('SELECT 1');
          return true;
        } catch {
          return false;
        }
      },
      release,
    };
  }

  /** Releases every lease it holds, ending their connections (a subscription holding one loses it). */
  async close(): Promise<void> {
    await Promise.all([...this.#held].map((release) => release()));
  }

  holderOf(name: string): Promise<LeaseInfo | undefined> {
    const key = leaseLockKey(this.#context.schema, name);
    return withPool(this.#context, 'lease lookup', async (pool) => {
      const row = (await pool.query<{ holder: string }>(this.#context.sql.leaseHolder, [key]))
        .rows[0];
      if (row === undefined) return undefined;
      const holder = row.holder.startsWith(APPLICATION_PREFIX)
        ? row.holder.slice(APPLICATION_PREFIX.length)
        : row.holder;
      return { holder };
    });
  }
}

function truncateUtf8(text: string, bytes: number): string {
  let out = text;
  while (Buffer.byteLength(out) > bytes) out = out.slice(0, -1);
  return out;
}
