import { ValidationError } from '../core/errors.js';
import { AggregateNotFoundError } from './aggregate-not-found-error.js';
import type { EventStore } from '../core/event-store.js';
import type { AggregateRoot } from './aggregate-root.js';
import { aggregateStreamId } from './aggregate-stream-id.js';
import {
  resolveKind,
  type AggregateEventOf,
  type AggregateKind,
  type ResolvedKind,
} from './aggregate-type.js';
import type { EventContext } from './event-context.js';
import { rehydrate } from './load-aggregate.js';
import { persistAggregate, writeSnapshot, type SaveResult } from './save-aggregate.js';
import { checkSnapshotOptions, type SnapshotOptions } from './snapshot-options.js';
import { checkOption } from '../core/options.js';

/**
 * Options of an {@link AggregateRepository}.
 *
 * @example
 * ```ts
 * const options: AggregateRepositoryOptions = { snapshots: { store: new InMemorySnapshotStore(), policy: 100 } };
 * ```
 */
export interface AggregateRepositoryOptions {
  /** Load from snapshots and take them after saves. */
  snapshots?: SnapshotOptions;
}

/**
 * Checks the options of a repository or an `AggregateStore`: a bad
 * one is an `InvalidOptionError` naming it (`snapshots.policy`).
 *
 * @internal
 */
export function checkRepositoryOptions(options: unknown): void {
  checkOption.object('options', options);
  checkSnapshotOptions((options as AggregateRepositoryOptions | undefined)?.snapshots);
}

/**
 * Loads and saves the aggregates of one kind (a class or a decider) in an
 * event store, each in its stream `${type}-${id}`, with optimistic
 * concurrency and optional snapshots. Works on every backend.
 *
 * @example
 * ```ts
 * const tasks = new AggregateRepository(store, Task);
 * const task = await tasks.loadOrCreate('42');
 * task.create('Write docs');
 * await tasks.save(task); // appends with expectedVersion NoStream
 * const again = await tasks.get('42'); // throws AggregateNotFoundError when missing
 * ```
 */
export class AggregateRepository<A extends AggregateRoot> {
  /** The event store the aggregates live in. */
  readonly eventStore: EventStore;
  /** The aggregate type: the category of the streams. */
  readonly type: string;
  /** The schema version of the aggregate's state, compared with snapshots'. */
  readonly schemaVersion: number;
  readonly #kind: ResolvedKind<A>;
  readonly #snapshots: SnapshotOptions | undefined;

  constructor(
    eventStore: EventStore,
    kind: AggregateKind<A>,
    options: AggregateRepositoryOptions = {},
  ) {
    checkRepositoryOptions(options);
    this.eventStore = eventStore;
    this.#kind = resolveKind(kind);
    this.type = this.#kind.type;
    this.schemaVersion = this.#kind.schemaVersion;
    this.#snapshots = options.snapshots;
  }

  /** The stream id of the aggregate `id`: `${type}-${id}`. */
  streamIdOf(id: string): string {
    return aggregateStreamId(this.type, id);
  }

  /** A new aggregate at version 0 (nothing is stored until it is saved). */
  create(id: string): A {
    return this.#kind.create(id);
  }

  /** The aggregate, or `undefined` when its stream has no events. */
  load(id: string): Promise<A | undefined> {
    return rehydrate(this.eventStore, this.#kind, id, this.#snapshots?.store);
  }

  /** The aggregate; throws an `AggregateNotFoundError` when its stream has no events. */
  async get(id: string): Promise<A> {
    const aggregate = await this.load(id);
    if (aggregate === undefined) throw new AggregateNotFoundError(this.streamIdOf(id), this.type);
    return aggregate;
  }

  /** The aggregate, or a new one at version 0 when its stream has no events. */
  async loadOrCreate(id: string): Promise<A> {
    return (await this.load(id)) ?? this.create(id);
  }

  /**
   * Appends the aggregate's uncommitted events with its persisted version as
   * the expected version, marks them committed, and takes a snapshot when the
   * policy says so. Throws a `ConcurrencyError` when the stream moved on since
   * the aggregate was loaded.
   */
  save(aggregate: A, context: EventContext = {}): Promise<SaveResult<AggregateEventOf<A>>> {
    if (aggregate.aggregateType !== this.type) {
      return Promise.reject(
        new ValidationError(
          `A ${this.type} repository cannot save a ${aggregate.aggregateType} aggregate`,
        ),
      );
    }
    return persistAggregate(this.eventStore, aggregate, context, this.#snapshots);
  }

  /** Whether the aggregate's stream has events. */
  exists(id: string): Promise<boolean> {
    return this.eventStore.exists(this.streamIdOf(id));
  }

  /** The aggregate's stream version (0 when it has no events), without loading it. */
  getVersion(id: string): Promise<number> {
    return this.eventStore.getVersion(this.streamIdOf(id));
  }

  /**
   * Writes a snapshot of a saved aggregate now, whatever the policy. Resolves to
   * whether it was written (a newer one of the same schema is kept).
   */
  async takeSnapshot(aggregate: A): Promise<boolean> {
    if (this.#snapshots === undefined) {
      throw new ValidationError(`The ${this.type} repository has no snapshot store`);
    }
    if (aggregate.uncommittedEvents.length > 0 || aggregate.version === 0) {
      throw new ValidationError(
        `Only a saved ${this.type} can be snapshotted: save it first (it has ${aggregate.uncommittedEvents.length} uncommitted events, version ${aggregate.version})`,
      );
    }
    return writeSnapshot(aggregate, this.#snapshots, {
      streamId: aggregate.streamId,
      version: aggregate.version,
      schemaVersion: aggregate.schemaVersion,
      state: aggregate.state,
    });
  }
}
