import type { NatsConnection } from '@nats-io/transport-node';
import { MigrationError } from '../../core/errors.js';
import type { NatsStreamHandle } from './nats-connection.js';
import { natsError } from './nats-errors.js';
import { checkReplicatedStreamSupport } from './nats-server-version.js';
import type { NatsIdIndex } from './nats-id-index.js';
import { loadJetStream } from './nats-modules.js';

/** How the store creates its stream. */
export interface NatsStreamSettings {
  readonly replicas: number;
  readonly duplicateWindowMs: number;
  readonly allowUnsafeReplicatedConcurrency: boolean;
}

/**
 * Refuses replicas above 1 on a server before 2.9.21 unless explicitly
 * allowed (an `UnsafeReplicationError`); a server that gives no version counts as older.
 */
export function checkReplicas(connection: NatsConnection, settings: NatsStreamSettings): void {
  if (settings.replicas <= 1) return;
  checkReplicatedStreamSupport(connection.info?.version ?? '0.0.0', settings.replicas, {
    allowUnsafe: settings.allowUnsafeReplicatedConcurrency,
  });
}

/**
 * Creates the store's JetStream stream when missing (file storage, subjects
 * `<stream>.e.>`, direct gets allowed, message deletes denied so a stream's
 * last message, which holds its state, is never removed; purges, which a
 * scavenge uses, stay allowed) and its id bucket; checks an existing stream.
 */
export async function setUpStream(
  handle: NatsStreamHandle,
  index: NatsIdIndex,
  settings: NatsStreamSettings,
): Promise<void> {
  checkReplicas(handle.connection, settings);
  const jsm = await handle.manager();
  const subjects = handle.subjects.streamSubjects;
  let info;
  try {
    info = await jsm.streams.info(handle.name);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code !== 10059)
      throw natsError('reading the stream', error);
  }
  if (info === undefined) {
    try {
      const { StorageType, RetentionPolicy, DiscardPolicy } = loadJetStream();
      await jsm.streams.add({
        name: handle.name,
        subjects,
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
        num_replicas: settings.replicas,
        allow_direct: true,
        deny_delete: true,
        duplicate_window: settings.duplicateWindowMs * 1_000_000,
      });
    } catch (error) {
      // Another process created it meanwhile: check it below.
      info = await jsm.streams.info(handle.name).catch(() => undefined);
      if (info === undefined) throw natsError('creating the stream', error);
    }
  }
  if (info !== undefined) {
    const { config } = info;
    const problems: string[] = [];
    const missing = subjects.filter((s) => !(config.subjects ?? []).includes(s));
    if (missing.length > 0) problems.push(`its subjects do not include ${missing.join(', ')}`);
    if (!config.allow_direct) problems.push('direct gets are not allowed');
    if (!config.deny_delete) problems.push('message deletes are allowed');
    if (
      config.max_msgs > 0 ||
      config.max_bytes > 0 ||
      config.max_age > 0 ||
      config.max_msgs_per_subject > 0
    )
      problems.push('it has limits that remove messages');
    if (problems.length > 0)
      throw new MigrationError(
        `The JetStream stream "${handle.name}" cannot hold an event store: ${problems.join('; ')}`,
      );
  }
  await index.open();
}
