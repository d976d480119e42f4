/**
 * Benchmark W6: rehydrating an aggregate (load = read its stream and fold every
 * event into its state) from 100 and from 10,000 events of 200-byte JSON
 * payloads, with and without a snapshot, beside the floor: a raw `store.read`
 * plus a plain loop doing the same fold.
 *
 * Rows, for each size N:
 * - `floor`: `store.read(streamId)` and a `for` loop over the events;
 * - `class aggregate` / `decider aggregate`: `repository.load(id)` of an
 *   `Aggregate` subclass / a `fromDecider` kind, no snapshot;
 * - `class aggregate + snapshot`: the same with a snapshot at version
 *   N − {@link AggregateBenchOptions.snapshotLag}, so a load reads the snapshot
 *   and the last events only.
 *
 * The rate is events rehydrated per second: N × loads / time (for the snapshot
 * row, the N events the loaded state reflects, not the few events read). The
 * snapshot speed-up is the snapshot row's rate over the class row's.
 *
 * Run with `npx tsx bench/aggregates.ts` (in-memory store); other backends call
 * {@link aggregateBenchmarks} with their own store factory.
 */
import { pathToFileURL } from 'node:url';
import {
  Aggregate,
  AggregateRepository,
  InMemorySnapshotStore,
  fromDecider,
  type EventHandlers,
  type SnapshotStore,
} from '../src/aggregates/index.js';
import {
  InMemoryEventStore,
  MAX_EVENTS_PER_APPEND,
  type EventStore,
  type NewEvent,
} from '../src/index.js';
import { formatTable, measure, payload200, type Measurement } from './lib/measure.js';

/** Options of {@link aggregateBenchmarks}. */
export interface AggregateBenchOptions {
  /** Stream lengths to rehydrate (default `[100, 10_000]`). */
  sizes?: readonly number[];
  /** Timed runs per workload (default 5). */
  runs?: number;
  /** Untimed warm-up runs per workload (default 1). */
  warmup?: number;
  /** About how many events one timed run rehydrates: loads per run = this / N (default 100,000). */
  eventsPerRun?: number;
  /** How many events follow the snapshot (default 10). */
  snapshotLag?: number;
  /** A snapshot store for the store (default an `InMemorySnapshotStore`). */
  createSnapshotStore?: (store: EventStore) => Promise<SnapshotStore>;
}

/** One size's results. */
export interface AggregateBenchSize {
  readonly size: number;
  readonly floor: Measurement;
  readonly classAggregate: Measurement;
  readonly deciderAggregate: Measurement;
  readonly withSnapshot: Measurement;
  /** `withSnapshot.median / classAggregate.median`. */
  readonly snapshotSpeedup: number;
}

type Payload = ReturnType<typeof payload200>;
type Ticked = NewEvent<'Ticked', Payload>;

interface TickState {
  readonly count: number;
  readonly lastIndex: number;
  readonly noteLength: number;
}

const initial: TickState = { count: 0, lastIndex: -1, noteLength: 0 };
const handlers: EventHandlers<Ticked, TickState> = {
  Ticked: (state, event) => ({
    count: state.count + 1,
    lastIndex: event.data.index,
    noteLength: state.noteLength + event.data.note.length,
  }),
};

/** The class-style aggregate of the benchmark. */
class Ticker extends Aggregate<Ticked, TickState> {
  static readonly type = 'Ticker';
  protected override readonly handlers = handlers;
  protected override initialState(): TickState {
    return initial;
  }
}

const DeciderTicker = fromDecider('Ticker', {
  initialState: initial,
  evolve: (state: TickState, event: Ticked) => handlers.Ticked(state, event),
  decide: () => [],
});

/**
 * Runs W6 on the store `createStore` returns (a fresh one per size, closed
 * afterwards) and returns its measurements.
 *
 * @example
 * ```ts
 * const results = await aggregateBenchmarks(() => Promise.resolve(new InMemoryEventStore()));
 * console.log(formatAggregateBenchmarks(results));
 * ```
 */
export async function aggregateBenchmarks(
  createStore: () => Promise<EventStore>,
  options: AggregateBenchOptions = {},
): Promise<AggregateBenchSize[]> {
  const { runs = 5, warmup = 1, eventsPerRun = 100_000, snapshotLag = 10 } = options;
  const results: AggregateBenchSize[] = [];
  for (const size of options.sizes ?? [100, 10_000]) {
    const store = await createStore();
    const snapshots = await (options.createSnapshotStore?.(store) ??
      Promise.resolve(new InMemorySnapshotStore()));
    try {
      const id = `w6-${size}`;
      const lag = Math.min(snapshotLag, size - 1);
      await appendTicks(store, `Ticker-${id}`, 0, size - lag);
      const snapshotted = new AggregateRepository(store, Ticker, {
        snapshots: { store: snapshots, policy: Number.MAX_SAFE_INTEGER },
      });
      await snapshotted.takeSnapshot(await snapshotted.get(id));
      await appendTicks(store, `Ticker-${id}`, size - lag, size);

      const loads = Math.max(1, Math.round(eventsPerRun / size));
      const count = loads * size;
      const label = (what: string) =>
        `W6 rehydrate ${size.toLocaleString('en-US')} events: ${what}`;
      const timed = (name: string, load: () => Promise<unknown>) =>
        measure(
          {
            name,
            count,
            setup: () => undefined,
            run: async () => {
              for (let i = 0; i < loads; i++) await load();
            },
          },
          runs,
          warmup,
        );
      const plain = new AggregateRepository(store, Ticker);
      const deciders = new AggregateRepository(store, DeciderTicker);
      const streamId = `Ticker-${id}`;
      const floor = await timed(label('floor (read + loop)'), async () => {
        const { events } = await store.read<Ticked>(streamId);
        let state = initial;
        for (const event of events) state = handlers.Ticked(state, event);
        if (state.count !== size) throw new Error('floor: wrong fold');
      });
      const check = (state: TickState) => {
        if (state.count !== size) throw new Error(`rehydrated ${state.count} of ${size} events`);
      };
      const classAggregate = await timed(label('class aggregate'), async () =>
        check((await plain.get(id)).state),
      );
      const deciderAggregate = await timed(label('decider aggregate'), async () =>
        check((await deciders.get(id)).state),
      );
      const withSnapshot = await timed(
        label(`class aggregate + snapshot (${lag} events after it)`),
        async () => {
          const aggregate = await snapshotted.get(id);
          if (aggregate.version !== size) throw new Error('snapshot: wrong version');
        },
      );
      results.push({
        size,
        floor,
        classAggregate,
        deciderAggregate,
        withSnapshot,
        snapshotSpeedup: withSnapshot.median / classAggregate.median,
      });
    } finally {
      await snapshots.close?.();
      await store.close();
    }
  }
  return results;
}

/** Formats W6 results: the rates table (no-snapshot rows against the floor) and the snapshot speed-ups. */
export function formatAggregateBenchmarks(results: readonly AggregateBenchSize[]): string {
  const rows = results.flatMap((r) => [
    r.floor,
    r.classAggregate,
    r.deciderAggregate,
    r.withSnapshot,
  ]);
  const floorOf = new Map<Measurement, Measurement>();
  for (const r of results) {
    floorOf.set(r.classAggregate, r.floor);
    floorOf.set(r.deciderAggregate, r.floor);
  }
  const speedups = results.map(
    (r) =>
      `snapshot speed-up at ${r.size.toLocaleString('en-US')} events: ${r.snapshotSpeedup.toFixed(1)}×`,
  );
  return [formatTable(rows, (row) => floorOf.get(row)), '', ...speedups].join('\n');
}

async function appendTicks(
  store: EventStore,
  streamId: string,
  from: number,
  to: number,
): Promise<void> {
  const batch = Math.min(1_000, MAX_EVENTS_PER_APPEND);
  for (let start = from; start < to; start += batch) {
    const events: Ticked[] = [];
    for (let i = start; i < Math.min(to, start + batch); i++) {
      events.push({ type: 'Ticked', data: payload200(i) });
    }
    await store.append(streamId, events);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('W6 aggregate rehydration, in-memory store (events rehydrated per second)\n');
  const results = await aggregateBenchmarks(() => Promise.resolve(new InMemoryEventStore()));
  console.log(formatAggregateBenchmarks(results));
}
