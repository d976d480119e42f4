import type { AppendSubscription } from '../../core/append-signal.js';
import { MigrationError } from '../../core/errors.js';
import type { DeleteStreamResult } from '../../core/stream-deletion.js';
import type { ScavengeChunk } from '../../core/scavenge.js';
import type { WriteOutcome } from '../kernel/event-store-driver.js';
import type { Connection } from './postgres-connection.js';
import { PostgresDriver, type PostgresDriverSettings } from './postgres-driver.js';
import { ReadOnlyStoreError } from './replica-errors.js';
import { ReplayWatcher } from './replay-watcher.js';
import { readWalPosition } from './wal-position.js';

/**
 * The driver of a read-only store (a hot standby): the reads of
 * {@link PostgresDriver} unchanged (the feed horizon holds on a standby,
 * whose `pg_current_snapshot()` lists the primary's transactions in flight as
 * replayed), every write refused with a {@link ReadOnlyStoreError} before
 * anything is sent, the schema only checked, never migrated, and wake-ups
 * from the replayed WAL position ({@link ReplayWatcher}) instead of `LISTEN`.
 */
export class ReadOnlyPostgresDriver extends PostgresDriver {
  readonly #watcher: ReplayWatcher;

  constructor(
    connection: Connection,
    settings: Omit<PostgresDriverSettings, 'migrate' | 'notify' | 'notifyIntervalMs'>,
    replayPollIntervalMs: number,
  ) {
    super(connection, { ...settings, migrate: false, notify: false, notifyIntervalMs: undefined });
    const { pool, secrets, timeouts } = connection;
    this.#watcher = new ReplayWatcher(
      () => readWalPosition(pool, secrets, timeouts.statementTimeoutMs),
      replayPollIntervalMs,
    );
  }

  /** Checks that the schema is at the version this eventfold reads (never changes it). */
  override async migrate(): Promise<void> {
    try {
      await super.migrate();
    } catch (error) {
      if (!MigrationError.is(error) || !/run with migrations enabled$/.test(error.message))
        throw error;
      throw new MigrationError(
        `${error.message.replace(/; run with migrations enabled$/, '')}; migrate the primary (a read-only store never migrates), then let the replica replay it`,
        { cause: error },
      );
    }
  }

  override commit(): Promise<WriteOutcome[]> {
    return Promise.reject(new ReadOnlyStoreError('append'));
  }

  override deleteStream(): Promise<DeleteStreamResult> {
    return Promise.reject(new ReadOnlyStoreError('delete'));
  }

  override truncateStream(): Promise<void> {
    return Promise.reject(new ReadOnlyStoreError('truncate'));
  }

  override setStreamMetadata(): Promise<number> {
    return Promise.reject(new ReadOnlyStoreError('stream metadata'));
  }

  override scavengeTargets(): Promise<string[]> {
    return Promise.reject(new ReadOnlyStoreError('scavenge'));
  }

  override scavengeChunk(): Promise<ScavengeChunk> {
    return Promise.reject(new ReadOnlyStoreError('scavenge'));
  }

  override finishScavenge(): Promise<void> {
    return Promise.reject(new ReadOnlyStoreError('scavenge'));
  }

  /** Wakes `listener` when the server has replayed more WAL (polled while listeners exist). */
  override onAppended(listener: () => void): AppendSubscription {
    return this.#watcher.add(listener);
  }

  override async close(): Promise<void> {
    this.#watcher.close();
    await super.close();
  }
}
