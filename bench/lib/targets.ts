import {
  AppendConditionError,
  type EventQuery,
  type EventStore,
  type EventStoreOptions,
  type Position,
} from '../../src/index.js';

/** One event as the workloads write it (`tags` for the DCB workloads). */
export interface BenchEvent {
  readonly type: string;
  readonly data: unknown;
  readonly tags?: readonly string[];
}

/** Which storage a target uses. */
export type Backend = 'memory' | 'sqlite' | 'postgres' | 'nats';

/** What a target is: eventfold, a peer library, or the raw driver (the floor). */
export type TargetKind = 'eventfold' | 'peer' | 'floor';

/** A DCB query as the workloads write it: items OR-ed, within an item type ∈ types and tags ⊇ item tags. */
export type BenchQuery = EventQuery;

/** Reads by query and conditional appends (dynamic consistency boundaries, as at dcb.events). */
export interface DcbSession {
  /** The events matching `query` in feed order, and the position the read saw up to (opaque). */
  read(query: BenchQuery): Promise<{ events: BenchEvent[]; position: unknown }>;
  /**
   * Appends `events` to `streamId` unless an event matching `query` exists after
   * `after` (a `position` from {@link read}); resolves `false` when the condition failed.
   */
  appendIf(
    streamId: string,
    events: readonly BenchEvent[],
    query: BenchQuery,
    after: unknown,
  ): Promise<boolean>;
}

/** An open, empty storage of one target, driven by the workloads. */
export interface TargetSession {
  /** Appends events to a stream that must not exist yet (an optimistic check where the target has one). */
  appendNew(streamId: string, events: readonly BenchEvent[]): Promise<void>;
  /** Appends events to a stream at `version` (its current version). */
  appendAt(streamId: string, version: number, events: readonly BenchEvent[]): Promise<void>;
  /** Reads a whole stream, parsing every payload; returns how many events it read. */
  readStream(streamId: string): Promise<number>;
  /** Reads the whole global feed in pages of `pageSize`; returns how many events it read. Absent: the target has no global feed. */
  readFeed?(pageSize: number): Promise<number>;
  /** Folds a stream into a state with `evolve`; returns the state. */
  fold<S>(streamId: string, initial: S, evolve: (state: S, event: BenchEvent) => S): Promise<S>;
  /** Reads by query and appends with conditions. Absent: the target has no DCB. */
  readonly dcb?: DcbSession;
  /** eventfold sessions: the store itself. */
  readonly store?: EventStore;
  close(): Promise<void>;
}

/** Something the benchmark measures. */
export interface BenchTarget {
  readonly name: string;
  readonly backend: Backend;
  readonly kind: TargetKind;
  /**
   * A setting that changes what is measured (SQLite's `synchronous` FULL): ratios
   * pair a target only with the floor and peer of the same backend and variant.
   */
  readonly variant?: string;
  /** Opens fresh, empty storage. */
  open(): Promise<TargetSession>;
  /**
   * eventfold targets: opens fresh, empty storage with store options (a
   * registry), for workloads that measure eventfold's own features.
   */
  openWith?(options: EventStoreOptions): Promise<TargetSession>;
}

/** An eventfold store as a benchmark target. */
export function eventfoldTarget(
  name: string,
  backend: Backend,
  openStore: (options?: EventStoreOptions) => Promise<EventStore>,
  variant?: string,
): BenchTarget {
  return {
    name,
    backend,
    kind: 'eventfold',
    ...(variant === undefined ? {} : { variant }),
    open: () => openSession(),
    openWith: (options) => openSession(options),
  };

  async function openSession(options?: EventStoreOptions): Promise<TargetSession> {
    const store = await openStore(options);
    return {
      store,
      async appendNew(streamId, events) {
        await store.append(streamId, events, { expectedVersion: 'no_stream' });
      },
      async appendAt(streamId, version, events) {
        await store.append(streamId, events, { expectedVersion: version });
      },
      async readStream(streamId) {
        return (await store.read(streamId)).events.length;
      },
      async readFeed(pageSize) {
        let count = 0;
        let after: Position | undefined;
        for (;;) {
          const page = await store.readAllPage({ after, limit: pageSize });
          count += page.events.length;
          if (page.isEnd) return count;
          after = page.next;
        }
      },
      async fold(streamId, initial, evolve) {
        const { events } = await store.read(streamId);
        let state = initial;
        for (const event of events) state = evolve(state, event);
        return state;
      },
      dcb: {
        async read(query) {
          const { events, position } = await store.readByQuery(query);
          return { events, position };
        },
        async appendIf(streamId, events, query, after) {
          try {
            await store.append(streamId, events, {
              condition: { failIfEventsMatch: query, after: after as Position | undefined },
            });
            return true;
          } catch (error) {
            if (AppendConditionError.is(error)) return false;
            throw error;
          }
        },
      },
      close: () => store.close(),
    } satisfies TargetSession;
  }
}
