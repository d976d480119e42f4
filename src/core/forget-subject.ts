import type { ForgetResult, KeyStore } from './contracts/key-store.js';
import type { SnapshotStore } from './contracts/snapshot-store.js';

/** Where {@link forgetSubject} erases a subject. */
export interface ForgetSubjectOptions {
  /** The key store of the event store's `personalData` option. */
  readonly keys: KeyStore;
  /**
   * The snapshot stores whose snapshots may hold the subject's personal data
   * in clear (an aggregate's state): the snapshot of every stream that held
   * the subject's data is deleted, so the next load replays the events and
   * sees erased fields.
   */
  readonly snapshots?: readonly SnapshotStore[] | undefined;
}

/** What {@link forgetSubject} did. */
export interface ForgetSubjectResult extends ForgetResult {
  /** How many snapshots were deleted. */
  readonly snapshotsDeleted: number;
}

/**
 * Forgets a subject (crypto-shredding): deletes its data key, so every read
 * of its personal fields (stream reads, the feed, queries, subscriptions,
 * aggregates) gives the erased marker from then on, then deletes the
 * snapshots of the streams that held its data. The key goes first: a
 * snapshot saved later is built from erased fields. When snapshots were
 * deleted, the key store's `purge` (if it has one) then makes their deletion
 * irrecoverable too (give a snapshot store on the key store's database).
 *
 * @example
 * ```ts
 * const { forgotten, streams } = await forgetSubject('user-42', { keys, snapshots: [snapshots] });
 * ```
 */
export async function forgetSubject(
  subject: string,
  options: ForgetSubjectOptions,
): Promise<ForgetSubjectResult> {
  const result = await options.keys.forget(subject);
  let snapshotsDeleted = 0;
  for (const snapshots of options.snapshots ?? [])
    for (const streamId of result.streams) if (await snapshots.delete(streamId)) snapshotsDeleted++;
  if (snapshotsDeleted > 0 && options.keys.purge !== undefined) await options.keys.purge();
  return { ...result, snapshotsDeleted };
}
