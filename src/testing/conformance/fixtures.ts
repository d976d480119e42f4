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

/**
 * Asserts that `attempt` throws, or returns a promise that rejects, with an
 * eventfold error of `code`; returns the error.
 */
export function failsWith<T extends EventfoldError = EventfoldError>(
  attempt: () => unknown,
  code: CoreErrorCode,
  label = '',
): Promise<T> {
  return rejectsWith<T>(Promise.resolve().then(attempt), code, label);
}

/** Resolves with what `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>, label = ''): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail(`${label}: expected a rejection, but it resolved`);
}

/** Resolves after `ms` milliseconds. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A listener that counts its calls, and a way to wait for a number of them. */
export interface CallCounter {
  /** Pass this as the listener. */
  readonly listener: () => void;
  /** How many times `listener` was called. */
  readonly count: number;
  /** Resolves once `listener` was called `n` times; fails after `timeoutMs`. */
  reached(n: number, timeoutMs?: number): Promise<void>;
}

/** Makes a {@link CallCounter}. */
export function callCounter(): CallCounter {
  let count = 0;
  return {
    listener: () => {
      count++;
    },
    get count() {
      return count;
    },
    async reached(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (count < n) {
        if (Date.now() > deadline)
          assert.fail(`expected ${n} call(s) within ${timeoutMs} ms, got ${count}`);
        await pause(5);
      }
    },
  };
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
