import type { EventStore } from '../core/event-store.js';
import { ExpectedVersion } from '../core/expected-version.js';
import type { Position } from '../core/position.js';
import type { AggregateRoot } from './aggregate-root.js';
import type { AggregateEventOf } from './aggregate-type.js';
import { withEventContext, type EventContext } from './event-context.js';
import { checkOption } from '../core/options.js';
import {
  checkSnapshotOptions,
  DEFAULT_SNAPSHOT_POLICY,
  type SnapshotOptions,
} from './snapshot-options.js';
import { wantsSnapshot } from './snapshot-policy.js';
import type { NewSnapshot } from '../core/contracts/snapshot-store.js';
import { snapshotInfoOf, trackSnapshot } from './snapshot-tracking.js';
import { logWarning, type EventfoldLogger } from '../core/logger.js';
import { observabilityOf } from '../core/observability.js';

/**
 * Options of {@link saveAggregate}: the event context, and snapshots.
 *
 * @example
 * ```ts
 * await saveAggregate(store, task, { correlationId: 'req-1', snapshots: { store: snapshots, policy: 50 } });
 * ```
 */
export interface SaveAggregateOptions extends EventContext {
  /** Take a snapshot after the save when the policy says so. */
  snapshots?: SnapshotOptions;
}

/**
 * The outcome of a save.
 *
 * @example
 * ```ts
 * const { version, events, snapshotted } = await tasks.save(task);
 * ```
 */
export interface SaveResult<E> {
  /** The aggregate's stream. */
  readonly streamId: string;
  /** The stream version after the save (the aggregate's version). */
  readonly version: number;
  /** The global position of the last event saved; `undefined` when there was nothing to save. */
  readonly position: Position | undefined;
  /** The events appended, with the context's metadata. */
  readonly events: readonly E[];
  /** Whether a snapshot was written. */
  readonly snapshotted: boolean;
}

/**
 * Appends an aggregate's uncommitted events to its stream with its persisted
 * version as the expected version (`ExpectedVersion.NoStream` for a new one),
 * then marks them committed. Throws a `ConcurrencyError` when the stream moved
 * on since the aggregate was loaded. Sugar for `repository.save(aggregate)`.
 *
 * @example
 * ```ts
 * const task = new Task('42');
 * task.create('Write docs');
 * await saveAggregate(store, task);
 * ```
 */
export async function saveAggregate<A extends AggregateRoot>(
  store: EventStore,
  aggregate: A,
  options: SaveAggregateOptions = {},
): Promise<SaveResult<AggregateEventOf<A>>> {
  checkOption.object('options', options);
  const { snapshots, ...context } = options;
  checkSnapshotOptions(snapshots);
  return persistAggregate(store, aggregate, context, snapshots);
}

/**
 * {@link saveAggregate} with its snapshot options already checked.
 *
 * @internal
 */
export async function persistAggregate<A extends AggregateRoot>(
  store: EventStore,
  aggregate: A,
  context: EventContext,
  snapshots: SnapshotOptions | undefined,
): Promise<SaveResult<AggregateEventOf<A>>> {
  const streamId = aggregate.streamId;
  const pending = [...(aggregate.uncommittedEvents as readonly AggregateEventOf<A>[])];
  if (pending.length === 0) {
    return {
      streamId,
      version: aggregate.version,
      position: undefined,
      events: [],
      snapshotted: false,
    };
  }
  const events = withEventContext(pending, context);
  const previousVersion = aggregate.persistedVersion;
  const result = await store.append(streamId, events, {
    expectedVersion: previousVersion === 0 ? ExpectedVersion.NoStream : previousVersion,
  });
  aggregate.markCommitted(pending.length);
  const snapshotted =
    snapshots !== undefined && result.version === aggregate.version
      ? await snapshotAfterSave(
          aggregate,
          previousVersion,
          snapshots,
          observabilityOf(store).logger,
        )
      : false;
  return { streamId, version: result.version, position: result.position, events, snapshotted };
}

/**
 * Writes a snapshot if the policy (or a stale snapshot) asks for one; reports
 * failures to `onError`, else to the store's logger, else as a process warning.
 *
 * @internal
 */
async function snapshotAfterSave(
  aggregate: AggregateRoot,
  previousVersion: number,
  options: SnapshotOptions,
  logger: EventfoldLogger | undefined,
): Promise<boolean> {
  const info = snapshotInfoOf(aggregate);
  const snapshot: NewSnapshot = {
    streamId: aggregate.streamId,
    version: aggregate.version,
    schemaVersion: aggregate.schemaVersion,
    state: aggregate.state,
  };
  try {
    const wanted =
      info.stale ||
      wantsSnapshot(options.policy ?? DEFAULT_SNAPSHOT_POLICY, {
        streamId: snapshot.streamId,
        version: snapshot.version,
        previousVersion,
        lastSnapshotVersion: info.version,
        state: snapshot.state,
      });
    if (!wanted) return false;
    await writeSnapshot(aggregate, options, snapshot);
    return true;
  } catch (error) {
    if (options.onError !== undefined) options.onError(error, snapshot);
    else warn(logger, error, snapshot);
    return false;
  }
}

/**
 * Saves a snapshot of an aggregate and remembers its version for the policy.
 *
 * @internal
 */
export async function writeSnapshot(
  aggregate: AggregateRoot,
  options: SnapshotOptions,
  snapshot: NewSnapshot,
): Promise<boolean> {
  const written = await options.store.save(snapshot);
  trackSnapshot(aggregate, { version: snapshot.version, stale: false });
  return written;
}

function warn(logger: EventfoldLogger | undefined, error: unknown, snapshot: NewSnapshot): void {
  const { streamId, version } = snapshot;
  const reason = error instanceof Error ? error.message : String(error);
  logWarning(
    logger,
    { err: error, streamId, version },
    `the snapshot of ${streamId} at version ${version} was not saved: ${reason}`,
    'EVENTFOLD_SNAPSHOT',
  );
}
