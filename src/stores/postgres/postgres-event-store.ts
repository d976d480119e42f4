import type { Pool, PoolClient } from 'pg';
import { resolveEventStoreOptions } from '../../core/store-options.js';
import { EventStoreKernel } from '../kernel/event-store-kernel.js';
import { openConnection } from './postgres-connection.js';
import type { FeedHealth } from './feed-health.js';
import {
  checkPostgresOptions,
  type PostgresEventStoreOptions,
} from './postgres-event-store-options.js';
import { PostgresDriver, type PostgresCursor } from './postgres-driver.js';
import type { PostgresTimeouts } from './postgres-timeouts.js';
import { quoteSchema } from './schema-name.js';
import {
  createSubscriptionStorage,
  type SubscriptionStorageProvider,
} from '../../core/contracts/subscription-storage-provider.js';
import { PostgresSubscriptionStorage } from './subscriptions/postgres-subscription-storage.js';

/**
 * The PostgreSQL event store: the semantics of eventfold's reference store on
 * a real database, with a global feed that never skips an event when
 * transactions commit out of order, appends in one round trip, and a
 * coalesced `NOTIFY` after appends for live readers. Tables live in their own
 * schema (default `eventfold`), created and migrated on first use.
 *
 * @example
 * ```ts
 * await using store = await PostgresEventStore.connect({ connectionString: process.env.DATABASE_URL });
 * await store.append('Task-1', [TaskCreated({ title: 'Ship it' })], { expectedVersion: 0 });
 * for await (const event of store.readAll()) console.log(event.position, event.type);
 * ```
 */
export class PostgresEventStore
  extends EventStoreKernel<PostgresCursor>
  implements SubscriptionStorageProvider<PoolClient>
{
  /** The schema holding this store's tables. */
  readonly schema: string;
  /** The pool the store queries through (yours, when you passed one). */
  readonly pool: Pool;
  /** Its time limits (options, else the URL's `connectTimeoutMs`/`statementTimeoutMs`, else 10 s and 30 s). */
  readonly timeouts: PostgresTimeouts;
  readonly #driver: PostgresDriver;

  /** Creates the store; the schema is migrated on first use (or use {@link PostgresEventStore.connect}). */
  constructor(options: PostgresEventStoreOptions = {}) {
    const resolved = resolveEventStoreOptions(options);
    checkPostgresOptions(options);
    const connection = openConnection(options);
    const driver = new PostgresDriver(connection, {
      registry: resolved.registry,
      personalData: resolved.personalData,
      migrate: options.migrate ?? true,
      notify: options.notify ?? true,
      notifyIntervalMs: options.notifyIntervalMs,
    });
    super(driver, resolved);
    this.#driver = driver;
    this.schema = connection.schema;
    this.pool = connection.pool;
    this.timeouts = connection.timeouts;
  }

  /**
   * Creates a store and migrates its schema now, so a bad URL or missing
   * rights fail here rather than on first use.
   *
   * @example
   * ```ts
   * const store = await PostgresEventStore.connect({ connectionString: 'postgresql://localhost/app' });
   * ```
   */
  static async connect(options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Creates or upgrades the schema (done automatically on first use); safe to run from several processes at once. */
  migrate(): Promise<void> {
    this.assertOpen();
    return this.#driver.migrate();
  }

  /**
   * How far the global feed is held back: readers only see events of
   * transactions older than every transaction still running (cluster-wide),
   * so one long transaction that wrote anything stalls every reader. Watch
   * `oldestBlockingTransactionAgeMs` and `withheldEvents`.
   */
  async getFeedHealth(): Promise<FeedHealth> {
    this.assertOpen();
    return this.#driver.feedHealth();
  }

  /** The quoted schema name, for SQL of your own next to the store's tables. */
  get quotedSchema(): string {
    return quoteSchema(this.schema);
  }

  /**
   * The storage of a subscription started without `storage`: a new
   * {@link PostgresSubscriptionStorage} on this store's schema (cheap: the
   * schema is migrated once per store), which the subscription closes as it
   * stops, releasing its lease connection.
   */
  [createSubscriptionStorage](): PostgresSubscriptionStorage {
    this.assertOpen();
    return new PostgresSubscriptionStorage(this);
  }
}
