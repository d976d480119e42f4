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
import { secretsOf } from './postgres-database-error.js';
import {
  createSubscriptionStorage,
  type SubscriptionStorageProvider,
} from '../../core/contracts/subscription-storage-provider.js';
import { PostgresSubscriptionStorage } from './subscriptions/postgres-subscription-storage.js';
import type { AbortOptions } from '../../core/abort.js';
import { InvalidOptionError } from '../../core/errors.js';
import { ReadOnlyPostgresDriver } from './read-only-driver.js';
import { ReadOnlyStoreError } from './replica-errors.js';
import { DEFAULT_REPLAY_WAIT_MS, waitForWal } from './replay-wait.js';
import { readSystemIdentifier, readWalPosition } from './wal-position.js';

/** How often a read-only store polls the replayed WAL for its listeners, by default. */
const DEFAULT_REPLAY_POLL_MS = 10;
/** The primary of each `replica` store, where its subscriptions keep their state. */
const primaries = new WeakMap<PostgresEventStore, PostgresEventStore>();

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
  /**
   * True for a read-only store (`readOnly: true`, or a primary's `replica`):
   * writes and migrations throw a `ReadOnlyStoreError`.
   */
  readonly readOnly: boolean;
  /**
   * The read-only store on the hot standby given as the `replica` option:
   * pass it to subscriptions and projections to read the feed there (their
   * checkpoints and read models stay on this store); closed with this store.
   */
  readonly replica: PostgresEventStore | undefined;
  readonly #driver: PostgresDriver;
  readonly #replayPollIntervalMs: number;

  /** Creates the store; the schema is migrated on first use (or use {@link PostgresEventStore.connect}). */
  constructor(options: PostgresEventStoreOptions = {}) {
    const resolved = resolveEventStoreOptions(options);
    checkPostgresOptions(options);
    const connection = openConnection(options);
    const settings = {
      registry: resolved.registry,
      personalData: resolved.personalData,
      migrate: options.migrate ?? true,
      notify: options.notify ?? true,
      notifyIntervalMs: options.notifyIntervalMs,
    };
    const readOnly = options.readOnly === true;
    const pollMs = options.replayPollIntervalMs ?? DEFAULT_REPLAY_POLL_MS;
    const driver = readOnly
      ? new ReadOnlyPostgresDriver(connection, settings, pollMs)
      : new PostgresDriver(connection, settings);
    super(driver, resolved);
    this.#driver = driver;
    this.#replayPollIntervalMs = pollMs;
    this.readOnly = readOnly;
    this.schema = connection.schema;
    this.pool = connection.pool;
    this.timeouts = connection.timeouts;
    this.replica = options.replica === undefined ? undefined : this.#openReplica(options);
  }

  #openReplica(options: PostgresEventStoreOptions): PostgresEventStore {
    const {
      connectionString: _url,
      pool: _pool,
      poolConfig: _poolConfig,
      schema: _schema,
      migrate: _migrate,
      notify: _notify,
      notifyIntervalMs: _notifyIntervalMs,
      connectTimeoutMs: _connectTimeoutMs,
      statementTimeoutMs: _statementTimeoutMs,
      replica,
      ...common
    } = options;
    try {
      const store = new PostgresEventStore({
        ...common,
        ...replica,
        schema: this.schema,
        readOnly: true,
      });
      primaries.set(store, this);
      return store;
    } catch (error) {
      void this.close();
      throw error;
    }
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
      if (store.readOnly)
        await store.#driver.migrate(); // only checks the version
      else await store.migrate();
      const { replica } = store;
      if (replica !== undefined) {
        await store.#sameCluster(replica);
        // The replica must be reachable and have replayed the schema this store migrated.
        const limit = store.timeouts.connectTimeoutMs;
        await store.waitForReplica({ timeoutMs: limit > 0 ? limit : DEFAULT_REPLAY_WAIT_MS });
        await replica.#driver.migrate();
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** An `InvalidOptionError` naming `replica` unless it is this server or a physical standby of it. */
  async #sameCluster(replica: PostgresEventStore): Promise<void> {
    const read = (of: PostgresEventStore) =>
      readSystemIdentifier(of.pool, secretsOf(of.pool.options), of.timeouts.statementTimeoutMs);
    const [mine, theirs] = await Promise.all([read(this), read(replica)]);
    if (mine !== theirs) {
      throw new InvalidOptionError(
        'replica',
        theirs,
        `a physical standby of this primary (system identifier ${mine}), not another server`,
      );
    }
  }

  /** Creates or upgrades the schema (done automatically on first use); safe to run from several processes at once. */
  migrate(): Promise<void> {
    this.assertOpen();
    if (this.readOnly) return Promise.reject(new ReadOnlyStoreError('migrate'));
    return this.#driver.migrate();
  }

  /**
   * The WAL position this store's reads reflect, as PostgreSQL writes it
   * (`'0/3000148'`): on a primary its flushed position (every append that
   * returned before the call lies at or below it), on a hot standby the
   * position it has replayed. Give a primary's to a replica's
   * {@link PostgresEventStore.waitForReplay} to read your own writes there.
   */
  async walPosition(): Promise<string> {
    this.assertOpen();
    return readWalPosition(
      this.pool,
      secretsOf(this.pool.options),
      this.timeouts.statementTimeoutMs,
    );
  }

  /**
   * Waits until this store's server has replayed the WAL up to `lsn` (a
   * primary's {@link PostgresEventStore.walPosition}), so that reads and
   * subscriptions here see every write that lay below it; resolves with the
   * position reached. On a primary it resolves at once. Past `timeoutMs`
   * (default 10,000) it throws a `ReplicationTimeoutError` (the standby is
   * paused, stopped or lagging; unreachable counts too, its last error as
   * `cause`); `signal` cancels it with the signal's reason.
   *
   * @example
   * ```ts
   * const lsn = await primary.walPosition(); // after the append returned
   * await replica.waitForReplay(lsn, { timeoutMs: 2_000 });
   * ```
   */
  async waitForReplay(lsn: string, options?: AbortOptions): Promise<string> {
    this.assertOpen();
    const secrets = secretsOf(this.pool.options);
    const read = () => readWalPosition(this.pool, secrets, this.timeouts.statementTimeoutMs);
    return waitForWal(read, lsn, options, this.#replayPollIntervalMs);
  }

  /**
   * Read your own writes on the `replica`: waits until it has replayed
   * everything this (primary) store had flushed when called, so every append
   * that returned before is visible there. A `ReplicationTimeoutError` past
   * `timeoutMs` (default 10,000).
   *
   * @example
   * ```ts
   * await store.append('Order-1', [OrderPlaced({ total: 5 })]);
   * await store.waitForReplica({ timeoutMs: 2_000 });
   * await store.replica?.read('Order-1'); // sees it
   * ```
   */
  async waitForReplica(options?: AbortOptions): Promise<string> {
    this.assertOpen();
    const { replica } = this;
    if (replica === undefined)
      throw new InvalidOptionError(
        'replica',
        undefined,
        'a replica: open the store with the replica option',
      );
    return replica.waitForReplay(await this.walPosition(), options);
  }

  /** Closes the store, and its `replica` when it has one. */
  override async close(): Promise<void> {
    await Promise.all([super.close(), this.replica?.close()]);
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
   * stops, releasing its lease connection. A primary's `replica` gives one on
   * its primary; a store opened with `readOnly: true` throws a
   * `ReadOnlyStoreError` (give the subscription a storage on the primary).
   */
  [createSubscriptionStorage](): PostgresSubscriptionStorage {
    this.assertOpen();
    if (!this.readOnly) return new PostgresSubscriptionStorage(this);
    const primary = primaries.get(this);
    if (primary === undefined) {
      throw new ReadOnlyStoreError(
        'subscription storage',
        'give the subscription `storage: new PostgresSubscriptionStorage(primaryStore)`',
      );
    }
    return new PostgresSubscriptionStorage(primary);
  }
}
