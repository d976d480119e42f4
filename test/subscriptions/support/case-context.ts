/** What the topic files of the shared subscription cases share: the backend, its instance per test, and helpers. */
import { afterEach, beforeEach } from 'vitest';
import type { RecordedEvent } from '../../../src/index.js';
import type { Projection } from '../../../src/subscriptions/index.js';
import type { BackendInstance, SubscriptionBackend } from './backend.js';

/** Quick retries, so that parking happens within a test. */
export const FAST_RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 } as const;
/** A poll interval no test waits for: delivery within a test proves the append signal woke the subscription. */
export const NO_POLL = 60_000;

/** The backend under test, its instance for the running test, and `track` to stop subscriptions after it. */
export interface CaseContext<Tx> {
  readonly backend: SubscriptionBackend<Tx>;
  /** The fresh store, storage and read model of the running test. */
  instance(): BackendInstance<Tx>;
  /** Stops `subscription` after the test (before the store closes). */
  track<S extends { stop(): Promise<void> }>(subscription: S): S;
}

/** Registers the hooks that open a backend instance per test and close it after, stopping tracked subscriptions first. */
export function useCaseContext<Tx>(backend: SubscriptionBackend<Tx>): CaseContext<Tx> {
  let instance: BackendInstance<Tx> | undefined;
  let stops: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    instance = await backend.open();
  });
  afterEach(async () => {
    await Promise.all(stops.map((stop) => stop()));
    stops = [];
    await instance?.close();
    instance = undefined;
  });
  return {
    backend,
    instance: () => {
      if (instance === undefined) throw new Error('no backend instance outside a test');
      return instance;
    },
    track: (subscription) => {
      stops.push(() => subscription.stop());
      return subscription;
    },
  };
}

/** A projection whose handlers throw for the events `fails` picks, and otherwise do what `inner`'s do. */
export function failing<Tx>(
  inner: Projection<Tx>,
  fails: (event: RecordedEvent) => boolean,
): Projection<Tx> {
  const handlers = Object.fromEntries(
    Object.entries(inner.handlers).map(([type, handler]) => [
      type,
      (event: RecordedEvent, tx: Tx) => {
        if (fails(event)) throw new Error(`boom at ${event.streamId}@${event.version}`);
        return handler?.(event, tx);
      },
    ]),
  );
  return { ...inner, handlers };
}
