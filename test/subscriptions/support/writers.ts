import type { AppendResult, EventStore, NewEvent, RecordedEvent } from '../../../src/index.js';
import { sleep } from '../../support/wait.js';

/** Options of {@link runWriters}. */
export interface WriterOptions {
  /** Concurrent writers (default 3). */
  writers?: number;
  /** Appends per writer (default 30). */
  appends?: number;
  /** Stream ids are `<category>-<n>` for n below `streams` (default 12). */
  streams?: number;
  /** Categories, by writer (default `['Task']`). */
  categories?: readonly string[];
  /** Event types, picked in turn (default `['Created', 'Renamed']`). */
  types?: readonly string[];
}

/**
 * Writers appending concurrently: each appends 1 to 3 events at a time to
 * random streams, yielding between appends. Resolves with every append's result.
 */
export async function runWriters(
  store: EventStore,
  options: WriterOptions = {},
): Promise<AppendResult[]> {
  const {
    writers = 3,
    appends = 30,
    streams = 12,
    categories = ['Task'],
    types = ['Created', 'Renamed'],
  } = options;
  const results: AppendResult[] = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let a = 0; a < appends; a++) {
        const category = categories[(w + a) % categories.length] ?? 'Task';
        const stream = `${category}-${Math.floor(Math.random() * streams)}`;
        const count = 1 + Math.floor(Math.random() * 3);
        const events: NewEvent[] = Array.from({ length: count }, (_, i) => ({
          type: types[(a + i) % types.length] ?? 'Created',
          data: { w, a, i },
        }));
        results.push(await store.append(stream, events));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }),
  );
  return results;
}

/** The last position among append results. */
export function lastPosition(results: readonly AppendResult[]): AppendResult['position'] {
  const positions = results.map((r) => r.position).sort();
  const last = positions.at(-1);
  if (last === undefined) throw new Error('no appends');
  return last;
}

/** Appends `count` single events to `stream`, one append each. */
export async function appendMany(
  store: EventStore,
  stream: string,
  count: number,
  type = 'Created',
): Promise<AppendResult[]> {
  const out: AppendResult[] = [];
  for (let i = 0; i < count; i++) out.push(await store.append(stream, [{ type, data: { i } }]));
  return out;
}

/** The per-stream rows a correct projection of `events` has. */
export function expectedRows(
  events: readonly RecordedEvent[],
): Map<string, { version: number; count: number }> {
  const rows = new Map<string, { version: number; count: number }>();
  for (const e of events) {
    const row = rows.get(e.streamId);
    rows.set(e.streamId, { version: e.version, count: (row?.count ?? 0) + 1 });
  }
  return rows;
}

/**
 * Two writers appending 1 to 3 events at a time (`Created`, `Renamed`) to
 * `streams` streams `Task-0`… until stopped; `stop()` resolves to every result.
 */
export function keepWriting(
  store: EventStore,
  streams: number,
): { stop(): Promise<AppendResult[]> } {
  let stopping = false;
  const results: AppendResult[] = [];
  const loops = Array.from({ length: 2 }, async (_, w) => {
    while (!stopping) {
      const count = 1 + Math.floor(Math.random() * 3);
      const events = Array.from({ length: count }, (_, i) => ({
        type: i % 2 === 0 ? 'Created' : 'Renamed',
        data: { w, i },
      }));
      results.push(await store.append(`Task-${Math.floor(Math.random() * streams)}`, events));
      await sleep(3);
    }
  });
  return {
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      return results;
    },
  };
}
