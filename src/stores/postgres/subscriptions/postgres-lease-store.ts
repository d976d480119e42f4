import type { Client, ClientConfig } from 'pg';
import type { Lease, LeaseInfo, LeaseStore } from '../../../core/contracts/lease-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { loadPg } from '../pg-driver.js';
import { toDatabaseError } from '../postgres-database-error.js';
import {
  leaseLockKey,
  timedOn,
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
    const { Client: PgClient } = loadPg();
    const client = new PgClient({
      ...this.#config,
      application_name: truncateUtf8(`${APPLICATION_PREFIX}${holder}`, MAX_APPLICATION_NAME),
    });
    // The listeners are there before the connection is: a dedicated client never errors unheard.
    let lost = false;
    client.on('error', () => (lost = true));
    client.on('end', () => (lost = true));
    const query = timedOn(client, this.#context);
    try {
      await client.connect();
      const { rows } = await query<{ ok: boolean }>(this.#context.sql.tryLease, [key]);
      if (rows[0]?.ok !== true) {
        await endClient(client, this.#context.statementTimeoutMs);
        return undefined;
      }
    } catch (error) {
      await endClient(client, this.#context.statementTimeoutMs);
      throw toDatabaseError(error, 'lease acquisition', this.#context.secrets, lost);
    }
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      this.#held.delete(release);
      if (!lost) await query(this.#context.sql.unlockLease, [key]).catch(() => (lost = true));
      // Ending the connection frees the lock anyway; a link that hangs is not waited for.
      await endClient(client, lost ? 0 : this.#context.statementTimeoutMs);
    };
    this.#held.add(release);
    return {
      name,
      holder,
      renew: async () => {
        if (lost || released) return false;
        try {
          await query('SELECT 1');
          return true;
        } catch {
          lost = true; // failed or timed out: the lock may be gone, and the connection is not trusted
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
    return withPool(this.#context, 'lease lookup', async (query) => {
      const row = (await query<{ holder: string }>(this.#context.sql.leaseHolder, [key])).rows[0];
      if (row === undefined) return undefined;
      const holder = row.holder.startsWith(APPLICATION_PREFIX)
        ? row.holder.slice(APPLICATION_PREFIX.length)
        : row.holder;
      return { holder };
    });
  }
}

/**
 * Ends a dedicated client, waiting at most `waitMs` (0: not at all, when the
 * connection is known broken) for the server to see it: over a partitioned
 * link `end()` would wait as long as the partition lasts.
 */
async function endClient(client: Client, waitMs: number): Promise<void> {
  const ended = client.end().catch(() => undefined);
  if (waitMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    ended,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

function truncateUtf8(text: string, bytes: number): string {
  let out = text;
  while (Buffer.byteLength(out) > bytes) out = out.slice(0, -1);
  return out;
}
