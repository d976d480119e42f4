import { resolveEventStoreOptions, type EventStoreOptions } from '../../core/store-options.js';
import { EventStoreKernel } from '../kernel/event-store-kernel.js';
import { MemoryDriver } from './memory-driver.js';

/** Options of an {@link InMemoryEventStore}: the options every store takes. */
export type InMemoryEventStoreOptions = EventStoreOptions;

/**
 * The in-memory event store: the reference semantics of eventfold, with
 * everything the database backends enforce (atomic appends, expected versions,
 * idempotency by event id, a global feed with type and category filters).
 * Events live in the process and are gone when it ends.
 *
 * @example
 * ```ts
 * await using store = new InMemoryEventStore();
 * await store.append('Task-1', [TaskCreated({ title: 'Learn event stores' })], { expectedVersion: 0 });
 * ```
 */
export class InMemoryEventStore extends EventStoreKernel<number> {
  /** Creates an empty store; bad options throw an `InvalidOptionError` naming the option. */
  constructor(options?: InMemoryEventStoreOptions) {
    const resolved = resolveEventStoreOptions(options);
    super(new MemoryDriver(resolved.registry, resolved.personalData), resolved);
  }
}
