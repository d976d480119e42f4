import assert from 'node:assert/strict';
import type { EventStore } from '../../core/event-store.js';
import type { NewEvent, RecordedEvent } from '../../core/events.js';
import { EventfoldError, type CoreErrorCode } from '../../core/errors.js';
import type { StoreFactoryOptions, SuiteOptions } from '../suite-options.js';

/** What each group of cases receives. */
export interface CaseContext {
  readonly it: SuiteOptions['it'];
  readonly describe: SuiteOptions['describe'];
  /** Runs `body` with a fresh store and closes it afterwards. */
  readonly withStore: (
    body: (store: EventStore) => Promise<void>,
    options?: StoreFactoryOptions,
  ) => Promise<void>;
  readonly options: SuiteOptions;
}

/** Builds the case context for a suite. */
export function caseContext(options: SuiteOptions): CaseContext {
  return {
    it: options.it,
    describe: options.describe,
    options,
    async withStore(body, storeOptions = {}) {
      const store = await options.createStore(storeOptions);
      try {
        await body(store);
      } finally {
        await store.close();
      }
    },
  };
}

/** `n` events of type `type` whose data records their index. */
export function events(n: number, type = 'Happened', from = 0): NewEvent<string, { n: number }>[] {
  return Array.from({ length: n }, (_, i) => ({ type, data: { n: from + i } }));
}

/** A random v4 UUID (for events that carry their own id). */
export function uuid(): string {
  return crypto.randomUUID();
}

/** Asserts that `promise` rejects with an eventfold error of `code`; returns the error. */
export async function rejectsWith<T extends EventfoldError = EventfoldError>(
  promise: Promise<unknown>,
  code: CoreErrorCode,
  label = '',
): Promise<T> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `${label}: expected a ${code} error, but it resolved`);
  assert.ok(
    EventfoldError.is(caught),
    `${label}: expected an EventfoldError, got ${caught instanceof Error ? (caught.stack ?? caught.message) : JSON.stringify(caught)}`,
  );
  assert.equal(caught.code, code, `${label}: ${caught.message}`);
  return caught as T;
}

/** Reads the whole global feed. */
export function feed(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll().toArray();
}

/** Asserts that the store holds exactly `count` events in all. */
export async function assertFeedLength(
  store: EventStore,
  count: number,
  label = '',
): Promise<void> {
  assert.equal((await feed(store)).length, count, `${label}: events in the feed`);
}

/** The `n` field of each event's data. */
export function ns(list: readonly RecordedEvent[]): number[] {
  return list.map((e) => (e.data as { n: number }).n);
}
