import type { NatsConnection } from '@nats-io/transport-node';
import { MigrationError } from '../../core/errors.js';
import type { NatsStreamHandle } from './nats-connection.js';
import { natsError, UnsafeReplicationError } from './nats-errors.js';
import type { NatsIdIndex } from './nats-id-index.js';
import { loadJetStream } from './nats-modules.js';

/** How the store creates its stream. */
export interface NatsStreamSettings {
  readonly replicas: number;
  readonly duplicateWindowMs: number;
  readonly allowUnsafeReplicatedConcurrency: boolean;
}

/** The first server version whose expected-sequence checks are race-free on replicated streams. */
const SAFE_REPLICATED = [2, 9, 21] as const;

/** Whether `version` (`'2.9.10'`) is at least `min`. */
function atLeast(version: string, min: readonly number[]): boolean {
  const parts = version.split(/[.-]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < min.length; i++) {
    const part = parts[i] ?? 0;
    const want = min[i] ?? 0;
    if (Number.isNaN(part)) return false;
    if (part !== want) return part > want;
  }
  return true;
}

/** Refuses replicas above 1 on a server before 2.9.21 unless explicitly allowed. */
export function checkReplicas(connection: NatsConnection, settings: NatsStreamSettings): void {
  if (settings.replicas <= 1 || settings.allowUnsafeReplicatedConcurrency) return;
  const version = connection.info?.version ?? '0.0.0';
  if (!atLeast(version, SAFE_REPLICATED))
    throw new UnsafeReplicationError(version, settings.replicas);
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
