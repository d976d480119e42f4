import type { EventStore } from '../core/event-store.js';
import type { AggregateRoot } from './aggregate-root.js';
import {
  AggregateRepository,
  checkRepositoryOptions,
  type AggregateRepositoryOptions,
} from './aggregate-repository.js';
import type { AggregateEventOf, AggregateKind } from './aggregate-type.js';
import type { EventContext } from './event-context.js';
import { persistAggregate, type SaveResult } from './save-aggregate.js';

/**
 * `store.save(aggregate)` / `store.load(Class, id)` on top of any event store:
 * a thin wrapper that makes an {@link AggregateRepository} per call, sharing
 * one snapshot configuration (checked when the store is created).
 *
 * @example
 * ```ts
 * const aggregates = new AggregateStore(await createEventStore('sqlite://events.db'));
 * const user = new User('user-123');
 * user.register('John', 'john@example.com');
 * await aggregates.save(user);
 * const loaded = await aggregates.load(User, 'user-123'); // User | undefined
 * const version = await aggregates.getAggregateVersion(User, 'user-123'); // 1
 * ```
 */
export class AggregateStore {
  /** The underlying event store. */
  readonly eventStore: EventStore;
  readonly #options: AggregateRepositoryOptions;

  constructor(eventStore: EventStore, options: AggregateRepositoryOptions = {}) {
    checkRepositoryOptions(options);
    this.eventStore = eventStore;
    this.#options = options;
  }

  /** A repository of one aggregate kind, with this store's snapshot configuration. */
  repository<A extends AggregateRoot>(kind: AggregateKind<A>): AggregateRepository<A> {
    return new AggregateRepository(this.eventStore, kind, this.#options);
  }

  /** Saves an aggregate's uncommitted events (see {@link AggregateRepository.save}). */
  save<A extends AggregateRoot>(
    aggregate: A,
    context: EventContext = {},
  ): Promise<SaveResult<AggregateEventOf<A>>> {
    return persistAggregate(this.eventStore, aggregate, context, this.#options.snapshots);
  }

  /** The aggregate, or `undefined` when it has no events. */
  load<A extends AggregateRoot>(kind: AggregateKind<A>, id: string): Promise<A | undefined> {
    return this.repository(kind).load(id);
  }

  /** The aggregate; throws an `AggregateNotFoundError` when it has no events. */
  get<A extends AggregateRoot>(kind: AggregateKind<A>, id: string): Promise<A> {
    return this.repository(kind).get(id);
  }

  /** The aggregate, or a new one when it has no events. */
  loadOrCreate<A extends AggregateRoot>(kind: AggregateKind<A>, id: string): Promise<A> {
    return this.repository(kind).loadOrCreate(id);
  }

  /** Whether the aggregate has events. */
  exists<A extends AggregateRoot>(kind: AggregateKind<A>, id: string): Promise<boolean> {
    return this.repository(kind).exists(id);
  }

  /** The aggregate's version, 0 when it has no events. */
  getVersion<A extends AggregateRoot>(kind: AggregateKind<A>, id: string): Promise<number> {
    return this.repository(kind).getVersion(id);
  }

  /** The aggregate's version, or `undefined` when the aggregate does not exist. */
  async getAggregateVersion<A extends AggregateRoot>(
    kind: AggregateKind<A>,
    id: string,
  ): Promise<number | undefined> {
    const version = await this.getVersion(kind, id);
    return version === 0 ? undefined : version;
  }
}
