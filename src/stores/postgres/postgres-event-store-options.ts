import type { Pool, PoolConfig } from 'pg';
import { InvalidOptionError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import type { EventStoreOptions } from '../../core/store-options.js';
import { checkTimeoutOption } from './postgres-timeouts.js';

/**
 * Options of a {@link PostgresEventStore}. Give a `connectionString` (the store
 * then owns its pool and ends it on `close()`), or your own `pool` (left open
 * on `close()`), or neither to use the `PG*` environment variables as `pg` does.
 *
 * @example
 * ```ts
 * const store = await PostgresEventStore.connect({
 *   connectionString: 'postgresql://app:secret@localhost:5432/app',
 *   schema: 'billing_events',
 * });
 * ```
 */
export interface PostgresEventStoreOptions extends EventStoreOptions {
  /**
   * A `postgresql://` or `postgres://` URL. A `schema` query parameter
   * (`?schema=billing_events`) chooses the schema when the `schema` option is absent.
   */
  connectionString?: string | undefined;
  /** Your own pool; the store uses it and leaves it open on `close()`. */
  pool?: Pool | undefined;
  /** Extra settings of the pool the store creates from `connectionString` (default `max` 10). */
  poolConfig?: Omit<PoolConfig, 'connectionString'> | undefined;
  /** The schema holding the store's tables (default `eventfold`); validated, created when missing. */
  schema?: string | undefined;
  /**
   * Apply missing migrations on first use (default `true`). With `false` the
   * store only checks the schema version and fails with a `MigrationError`.
   */
  migrate?: boolean | undefined;
  /**
   * Send a coalesced `NOTIFY` after appends commit, for
   * `onAppended` listeners in every process (default `true`).
   */
  notify?: boolean | undefined;
  /**
   * The least time between two notifications, in milliseconds (default 10):
   * a lone append is announced at once, a burst of appends by one store
   * causes one notification per interval.
   */
  notifyIntervalMs?: number | undefined;
  /**
   * How long opening a connection may take, in milliseconds (default 10,000; 0:
   * no limit), also settable as the URL's `connectTimeoutMs` parameter. Only
   * for the pool the store creates: set `connectionTimeoutMillis` on your own.
   */
  connectTimeoutMs?: number | undefined;
  /**
   * How long each of the store's own statements may wait for the server's
   * answer, in milliseconds (default 30,000; 0: no limit), also settable as the
   * URL's `statementTimeoutMs` parameter. A statement that runs out fails with a
   * `DatabaseError` whose `connectionLost` is true, and its connection is
   * dropped. Your handlers' queries in a projection's transaction have no limit.
   */
  statementTimeoutMs?: number | undefined;
  /**
   * Open the store read-only, typically on a hot standby: reads, the feed and
   * subscriptions work (with the same never-skip horizon); appends, deletions,
   * metadata, scavenges and `migrate()` throw a `ReadOnlyStoreError` without
   * sending anything; the schema is only checked, never migrated. Default `false`.
   */
  readOnly?: boolean | undefined;
  /**
   * A hot standby of this (primary) store's server: `store.replica` is then a
   * read-only store on it, with the same schema and event options, whose
   * subscriptions keep their checkpoints and read models on the primary.
   */
  replica?: PostgresReplicaOptions | undefined;
  /**
   * A read-only store only: how often, in milliseconds, it polls the WAL position
   * its server has replayed while `onAppended` listeners exist, to wake them
   * (a standby cannot `LISTEN`). Default 10.
   */
  replayPollIntervalMs?: number | undefined;
}

/**
 * Where a primary's `replica` is: its connection (a `connectionString` or your
 * own `pool`) and time limits. The schema and the event options (registry,
 * personal data, telemetry) are the primary's.
 *
 * @example
 * ```ts
 * const store = await PostgresEventStore.connect({
 *   connectionString: 'postgresql://app@primary/app',
 *   replica: { connectionString: 'postgresql://app@standby/app' },
 * });
 * ```
 */
export type PostgresReplicaOptions = Pick<
  PostgresEventStoreOptions,
  | 'connectionString'
  | 'pool'
  | 'poolConfig'
  | 'connectTimeoutMs'
  | 'statementTimeoutMs'
  | 'replayPollIntervalMs'
>;

/** The keys a {@link PostgresReplicaOptions} may hold. */
const REPLICA_KEYS: ReadonlySet<string> = new Set([
  'connectionString',
  'pool',
  'poolConfig',
  'connectTimeoutMs',
  'statementTimeoutMs',
  'replayPollIntervalMs',
]);

/** Checks PostgreSQL's own options; throws an `InvalidOptionError` naming the option. */
export function checkPostgresOptions(options: PostgresEventStoreOptions): void {
  checkOption.string('connectionString', options.connectionString);
  checkOption.object('pool', options.pool);
  checkOption.object('poolConfig', options.poolConfig);
  checkOption.string('schema', options.schema);
  checkOption.boolean('migrate', options.migrate);
  checkOption.boolean('notify', options.notify);
  checkOption.milliseconds('notifyIntervalMs', options.notifyIntervalMs);
  checkTimeoutOption('connectTimeoutMs', options.connectTimeoutMs);
  checkTimeoutOption('statementTimeoutMs', options.statementTimeoutMs);
  checkOption.boolean('readOnly', options.readOnly);
  checkOption.milliseconds('replayPollIntervalMs', options.replayPollIntervalMs, 1);
  if (options.readOnly === true && options.migrate === true)
    throw new InvalidOptionError(
      'migrate',
      true,
      'false or absent: a read-only store never migrates',
    );
  if (options.readOnly !== true && options.replayPollIntervalMs !== undefined)
    throw new InvalidOptionError(
      'replayPollIntervalMs',
      options.replayPollIntervalMs,
      'absent: only a read-only store (or a replica) polls the replayed WAL',
    );
  const { replica } = options;
  if (replica === undefined) return;
  checkOption.object('replica', replica);
  if (options.readOnly === true)
    throw new InvalidOptionError(
      'replica',
      replica,
      'absent: a read-only store has no replica of its own',
    );
  for (const key of Object.keys(replica)) {
    if (!REPLICA_KEYS.has(key))
      throw new InvalidOptionError(
        `replica.${key}`,
        (replica as Record<string, unknown>)[key],
        `one of ${[...REPLICA_KEYS].join(', ')}`,
      );
  }
  if (replica.connectionString === undefined && replica.pool === undefined)
    throw new InvalidOptionError('replica', replica, 'a connectionString or a pool of the standby');
}
