import assert from 'node:assert/strict';
import { MAX_DOCUMENT_LIMIT } from '../core/contracts/document-query.js';
import type { AnySubscriptionStorage } from '../core/contracts/subscription-storage.js';
import type { EventStore } from '../core/event-store.js';
import type { NewEvent } from '../core/events.js';
import { InMemoryEventStore } from '../stores/memory/in-memory-event-store.js';
import { documentsOf } from '../subscriptions/documents/documents-of.js';
import type { DocumentProjection } from '../subscriptions/documents/document-projection.js';
import { InMemorySubscriptionStorage } from '../subscriptions/in-memory-subscription-storage.js';
import { startProjection } from '../subscriptions/start-projection.js';

/** An event of a {@link expectDocuments} scenario, with the stream it is appended to. */
export type GivenEvent = NewEvent & { readonly streamId: string };

/** A scenario of {@link expectDocuments}. */
export interface DocumentScenario {
  /** The events appended, in order, before the projection runs. */
  readonly given: readonly GivenEvent[];
  /** Every document expected afterwards, by collection name then id (a collection left out is not checked). */
  readonly then: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The store (default: a new in-memory store, closed afterwards). */
  readonly store?: EventStore;
  /** The storage (default: a new in-memory storage). */
  readonly storage?: AnySubscriptionStorage;
}

/**
 * Tests a document projection: appends the `given` events, runs the
 * projection until it has handled them (a handler failure fails the test),
 * and asserts that each collection named in `then` holds exactly those
 * documents. On the memory storage by default; pass a `store` and `storage`
 * to run the same scenario on SQLite or PostgreSQL.
 *
 * @example
 * ```ts
 * await expectDocuments(cartList, {
 *   given: [{ streamId: 'Cart-1', type: 'CartOpened', data: { customerId: 'c1' } }],
 *   then: { carts: { 'Cart-1': { customerId: 'c1', total: 0 } } },
 * });
 * ```
 */
export async function expectDocuments(
  projection: DocumentProjection,
  scenario: DocumentScenario,
): Promise<void> {
  const store = scenario.store ?? new InMemoryEventStore();
  const storage = scenario.storage ?? new InMemorySubscriptionStorage();
  try {
    let last;
    for (const { streamId, ...event } of scenario.given) {
      last = (await store.append(streamId, [event])).position;
    }
    const failures: unknown[] = [];
    const running = startProjection(store, projection, {
      storage,
      onFailure: 'stop',
      retry: { maxRetries: 0 },
      onError: (error) => failures.push(error),
    });
    try {
      if (last !== undefined) await running.waitForPosition(last, { timeoutMs: 30_000 });
    } catch (error) {
      throw failures[0] ?? error;
    } finally {
      await running.stop();
    }
    const documents = documentsOf(storage);
    const byName = new Map(Object.values(projection.collections).map((c) => [c.name, c]));
    for (const [name, expected] of Object.entries(scenario.then)) {
      const collection = byName.get(name);
      assert.ok(
        collection !== undefined,
        `projection "${projection.name}" has no collection "${name}"`,
      );
      const found = await documents.collection(collection).find({}, { limit: MAX_DOCUMENT_LIMIT });
      const actual = Object.fromEntries(found.map((entry) => [entry.id, entry.doc]));
      assert.deepStrictEqual(actual, expected, `documents of collection "${name}"`);
    }
  } finally {
    if (scenario.store === undefined) await store.close();
  }
}
