import type BetterSqlite3 from 'better-sqlite3';
import { resolveEventStoreOptions } from '../../core/store-options.js';
import { EventStoreKernel } from '../kernel/event-store-kernel.js';
import { migrate } from './migrate.js';
import { openDatabase } from './sqlite-connection.js';
import { checkSqliteOptions, type SqliteEventStoreOptions } from './sqlite-event-store-options.js';
import { SqliteDriver } from './sqlite-driver.js';
import { toDatabaseError } from './sqlite-database-error.js';
import {
  createSubscriptionStorage,
  type SubscriptionStorageProvider,
} from '../../core/contracts/subscription-storage-provider.js';
import {
  SqliteSubscriptionStorage,
  type SqliteTransaction,
} from './subscriptions/sqlite-subscription-storage.js';

/**
 * An event store in one SQLite file (or `:memory:`), on better-sqlite3: WAL
 * mode, one `BEGIN IMMEDIATE` transaction per commit (an append, or appends
 * committed together), prepared statements, and
 * a schema created and migrated on open. Several processes may share a file.
 * A handle you pass in is configured only as far as the options say, and
 * `close()` leaves it open.
 *
 * @example
 * ```ts
 * await using store = new SqliteEventStore('events.db');
 * await store.append('Task-1', [TaskCreated({ title: 'Ship it' })], { expectedVersion: 0 });
 * const { version, events } = await store.read('Task-1');
 * ```
 */
export class SqliteEventStore
  extends EventStoreKernel<number>
  implements SubscriptionStorageProvider<SqliteTransaction>
{
  /** The better-sqlite3 connection (for your own tables in the same file; do not write the eventfold tables). */
  readonly database: BetterSqlite3.Database;
  #subscriptionStorage: SqliteSubscriptionStorage | undefined;

  /** Opens (creating or migrating as needed) a file, `':memory:'`, or an open better-sqlite3 handle. */
  constructor(database: string | BetterSqlite3.Database, options: SqliteEventStoreOptions = {}) {
    const resolved = resolveEventStoreOptions(options);
    checkSqliteOptions(options);
    const { db, owned } = openDatabase(database, options);
    let driver: SqliteDriver;
    try {
      migrate(db);
      driver = new SqliteDriver(db, owned, resolved.registry, resolved.personalData);
    } catch (error) {
      if (owned) db.close();
      throw toDatabaseError(error, `opening "${db.name}"`);
    }
    super(driver, resolved);
    this.database = db;
  }

  /**
   * The storage of subscriptions started without `storage`: one
   * {@link SqliteSubscriptionStorage} on this store's file, shared by them
   * (it holds nothing to close).
   */
  [createSubscriptionStorage](): SqliteSubscriptionStorage {
    this.assertOpen();
    this.#subscriptionStorage ??= new SqliteSubscriptionStorage(this);
    return this.#subscriptionStorage;
  }
}
