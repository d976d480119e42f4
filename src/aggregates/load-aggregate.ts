import type { EventStore } from '../core/event-store.js';
import type { AggregateRoot } from './aggregate-root.js';
import { aggregateStreamId } from './aggregate-stream-id.js';
import { resolveKind, type AggregateKind, type ResolvedKind } from './aggregate-type.js';
import { checkOption } from '../core/options.js';
import { checkSnapshotOptions, type SnapshotOptions } from './snapshot-options.js';
import type { SnapshotStore } from '../core/contracts/snapshot-store.js';
import { trackSnapshot } from './snapshot-tracking.js';

/**
 * Options of {@link loadAggregate}.
 *
 * @example
 * ```ts
 * await loadAggregate(store, Task, '42', { snapshots: { store: snapshots } });
 * ```
 */
export interface LoadAggregateOptions {
  /** Start from the stream's snapshot, when there is one of the aggregate's schema version. */
  snapshots?: SnapshotOptions;
}

/**
 * Loads an aggregate from its stream (`${type}-${id}`): the latest usable
 * snapshot, then only the events after it. Resolves to `undefined` when the
 * stream has no events. Sugar for `new AggregateRepository(store, kind).load(id)`.
 *
 * @example
 * ```ts
 * const task = await loadAggregate(store, Task, '42'); // Task | undefined
 * ```
 */
export async function loadAggregate<A extends AggregateRoot>(
  store: EventStore,
  kind: AggregateKind<A>,
  id: string,
  options: LoadAggregateOptions = {},
): Promise<A | undefined> {
  checkOption.object('options', options);
  checkSnapshotOptions(options.snapshots);
  return rehydrate(store, resolveKind(kind), id, options.snapshots?.store);
}

/**
 * Loads an aggregate of a resolved kind, from a snapshot when one is usable.
 *
 * @internal
 */
export async function rehydrate<A extends AggregateRoot>(
  store: EventStore,
  kind: ResolvedKind<A>,
  id: string,
  snapshots: SnapshotStore | undefined,
): Promise<A | undefined> {
  const streamId = aggregateStreamId(kind.type, id);
  const aggregate = kind.create(id);
  let snapshotVersion = 0;
  let stale = false;
  if (snapshots !== undefined) {
    const snapshot = await snapshots.load(streamId);
    if (snapshot !== undefined) {
      if (snapshot.schemaVersion === kind.schemaVersion) {
        aggregate.restoreSnapshot(snapshot.state, snapshot.version);
        snapshotVersion = snapshot.version;
      } else {
        stale = true; // another shape of state: ignore it, and replace it at the next save
      }
    }
  }
  const stream = await store.read(
    streamId,
    snapshotVersion > 0 ? { from: snapshotVersion + 1 } : undefined,
  );
  if (snapshots !== undefined && stream.version < snapshotVersion) {
    // The snapshot claims events the stream does not have (it is not this store's, or the
    // stream was reset): it could never be trusted again, so delete it and load without it.
    await snapshots.delete(streamId);
    return rehydrate(store, kind, id, undefined);
  }
  if (stream.version === 0) return undefined;
  aggregate.loadFromHistory(stream.events);
  trackSnapshot(aggregate, { version: snapshotVersion, stale });
  return aggregate;
}
