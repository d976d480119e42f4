import type { EventStore, Position } from '../../src/index.js';

/** One event as the workloads write it. */
export interface BenchEvent {
  readonly type: string;
  readonly data: unknown;
}

/** Which storage a target uses. */
export type Backend = 'memory' | 'sqlite' | 'postgres';

/** What a target is: eventfold, a peer library, or the raw driver (the floor). */
export type TargetKind = 'eventfold' | 'peer' | 'floor';

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
  close(): Promise<void>;
}

/** Something the benchmark measures. */
export interface BenchTarget {
  readonly name: string;
  readonly backend: Backend;
  readonly kind: TargetKind;
  /** Opens fresh, empty storage. */
  open(): Promise<TargetSession>;
}

/** An eventfold store as a benchmark target. */
export function eventfoldTarget(
  name: string,
  backend: Backend,
  openStore: () => Promise<EventStore>,
): BenchTarget {
  return {
    name,
    backend,
    kind: 'eventfold',
    async open() {
      const store = await openStore();
      return {
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
        close: () => store.close(),
      };
    },
  };
}
