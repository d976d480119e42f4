/**
 * SQLite benchmarks: eventfold's SqliteEventStore beside the floor, raw
 * better-sqlite3 doing the same inserts and selects on the same schema (one
 * `BEGIN IMMEDIATE` transaction per append, prepared statements, JSON
 * stringify/parse of the payloads), on real files in the OS temp directory.
 *
 * - W1: single-event appends to 10,000 new streams
 * - W2: 100-event appends to 1,000 new streams
 * - W4: full reads of 1,000 streams of 100 events
 * - W5: the global feed read in pages of 500
 * - the shape of Eventuali's published figures: 10 aggregates × 100 small events, saved one
 *   event per append (as `save` does), then loaded, against its claims of
 *   25,000 saves/s and 40,000 loads/s (events per second)
 *
 * Run with `npm run bench:sqlite`; `bench/run.ts` calls {@link sqliteBenchmarks}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { Position } from '../src/index.js';
import { SqliteEventStore, type SqliteSynchronous } from '../src/stores/sqlite/index.js';
import { migrate } from '../src/stores/sqlite/migrate.js';
import { measure, payload200, type Measurement, type Workload } from './lib/measure.js';

/** Options of {@link sqliteBenchmarks}. */
export interface SqliteBenchOptions {
  /** Timed runs per workload (default 7). */
  runs?: number;
  /** Untimed warm-up runs per workload (default 1). */
  warmup?: number;
  /** Where the database files go (default a fresh folder in the OS temp directory, removed afterwards). */
  dir?: string;
}

/** Eventuali's published claims, in events per second. */
export const SOURCE_CLAIMS = { savesPerSecond: 25_000, loadsPerSecond: 40_000 } as const;

const INSERT = `INSERT INTO eventfold_events (stream_id, version, event_id, type, category, data, metadata, recorded_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const READ_STREAM = `SELECT position, version, event_id, type, recorded_at, metadata, data
  FROM eventfold_events WHERE stream_id = ? ORDER BY version`;
const READ_PAGE = `SELECT position, stream_id, version, event_id, type, recorded_at, metadata, data
  FROM eventfold_events WHERE position > ? ORDER BY position LIMIT ?`;

/** A row in raw (array) mode, the faster way to read with better-sqlite3: position first, metadata and data last. */
type Row = unknown[];

/** The floor: a raw better-sqlite3 connection with the store's schema and settings. */
export class Floor {
  readonly db: Database.Database;
  readonly #insert: Database.Statement;
  readonly #readStream: Database.Statement<[string], Row>;
  readonly #readPage: Database.Statement<[number, number], Row>;
  readonly append: (
    streamId: string,
    category: string,
    firstVersion: number,
    events: readonly Ev[],
  ) => void;

  constructor(file: string, synchronous: SqliteSynchronous = 'NORMAL') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    migrate(this.db); // the store's schema, exactly
    this.#insert = this.db.prepare(INSERT);
    this.#readStream = this.db.prepare<[string], Row>(READ_STREAM).raw();
    this.#readPage = this.db.prepare<[number, number], Row>(READ_PAGE).raw();
    const transaction = this.db.transaction(
      (streamId: string, category: string, first: number, events: readonly Ev[]) => {
        const now = Date.now();
        for (let i = 0; i < events.length; i++) {
          const e = events[i] as Ev;
          this.#insert.run(
            streamId,
            first + i,
            uuidv7(),
            e.type,
            category,
            JSON.stringify(e.data),
            null,
            now,
          );
        }
      },
    );
    this.append = (s, c, f, e) => transaction.immediate(s, c, f, e);
  }

  /** Reads a stream and parses every payload. */
  read(streamId: string): unknown[] {
    return this.#readStream.all(streamId).map(parse);
  }

  /** Reads one feed page and parses every payload; returns the last position (or `after`). */
  page(after: number, limit: number): { parsed: unknown[]; next: number } {
    const rows = this.#readPage.all(after, limit);
    return { parsed: rows.map(parse), next: (rows.at(-1)?.[0] as number | undefined) ?? after };
  }
}

/** Parses a row's payloads in place (data last, metadata before it). */
function parse(row: Row): Row {
  const last = row.length - 1;
  row[last] = JSON.parse(row[last] as string);
  const metadata = row[last - 1] as string | null;
  row[last - 1] = metadata === null ? {} : (JSON.parse(metadata) as unknown);
  return row;
}

/** An event as the SQLite workloads write it. */
export interface Ev {
  type: string;
  data: unknown;
}

const big = (i: number): Ev => ({ type: 'TaskUpdated', data: payload200(i) });
const small = (i: number): Ev => ({ type: 'CounterIncremented', data: { by: 1, at: i } });

/** Runs every SQLite workload, eventfold and floor side by side; returns the measurements in table order. */
export async function sqliteBenchmarks(options: SqliteBenchOptions = {}): Promise<Measurement[]> {
  const runs = options.runs ?? 7;
  const warmup = options.warmup ?? 1;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'eventfold-bench-sqlite-'));
  let n = 0;
  const fresh = () => join(dir, `bench-${++n}.db`);
  const remove = (file: string) => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  };
  const out: Measurement[] = [];
  // Floor and eventfold runs alternate, so that a slow spell of the disk or CPU hits both alike.
  const pair = async <A, B>(ours: Workload<A>, floor: Workload<B>, also?: Workload<A>) => {
    const workloads: Workload<A | B>[] = [floor, ours];
    if (also !== undefined) workloads.push(also);
    for (const workload of workloads) await measure(workload, 1, warmup);
    const measured = workloads.map((): Measurement[] => []);
    for (let i = 0; i < runs; i++) {
      for (let w = 0; w < workloads.length; w++) {
        measured[w]?.push(await measure(workloads[w] as Workload<A | B>, 1, 0));
      }
    }
    const [floorRow, ...rows] = measured.map(combine);
    const floorRates = (measured[0] ?? []).map((m) => m.median);
    out.push(floorRow as Measurement);
    rows.forEach((row, r) => {
      // Each eventfold run is paired with the floor run just before it.
      const ratios = (measured[r + 1] ?? []).map((m, i) => (floorRates[i] as number) / m.median);
      floors.set(row, { floor: floorRow as Measurement, ratio: median(ratios) });
      out.push(row);
    });
  };
  try {
    // W1: single-event appends to 10,000 new streams.
    const w1 = 10_000;
    await pair(
      storeWorkload(
        `W1 ${w1.toLocaleString('en-US')} single-event appends: eventfold`,
        w1,
        fresh,
        remove,
        async (s) => {
          for (let i = 0; i < w1; i++)
            await s.append(`Task-${i}`, [big(i)], { expectedVersion: 0 });
        },
      ),
      floorWorkload('W1 … floor (raw better-sqlite3)', w1, fresh, remove, (f) => {
        for (let i = 0; i < w1; i++) f.append(`Task-${i}`, 'Task', 1, [big(i)]);
      }),
    );

    // W1 again with synchronous=FULL (an fsync per commit), fewer appends.
    const w1Full = 2_000;
    await pair(
      storeWorkload(
        'W1 2,000 single-event appends, synchronous=FULL: eventfold',
        w1Full,
        fresh,
        remove,
        async (s) => {
          for (let i = 0; i < w1Full; i++)
            await s.append(`Task-${i}`, [big(i)], { expectedVersion: 0 });
        },
        'FULL',
      ),
      floorWorkload(
        'W1 FULL … floor',
        w1Full,
        fresh,
        remove,
        (f) => {
          for (let i = 0; i < w1Full; i++) f.append(`Task-${i}`, 'Task', 1, [big(i)]);
        },
        'FULL',
      ),
    );

    // W2: 100-event appends to 1,000 new streams.
    const batches = Array.from({ length: 1_000 }, (_, s) =>
      Array.from({ length: 100 }, (_, i) => big(s * 100 + i)),
    );
    await pair(
      storeWorkload(
        'W2 1,000 appends of 100 events: eventfold',
        100_000,
        fresh,
        remove,
        async (s) => {
          for (let i = 0; i < batches.length; i++)
            await s.append(`Task-${i}`, batches[i] ?? [], { expectedVersion: 0 });
        },
      ),
      floorWorkload('W2 … floor', 100_000, fresh, remove, (f) => {
        for (let i = 0; i < batches.length; i++) f.append(`Task-${i}`, 'Task', 1, batches[i] ?? []);
      }),
    );

    // W4 and W5 read one file of 1,000 streams of 100 events.
    const readFile = fresh();
    const filler = new Floor(readFile);
    for (let i = 0; i < batches.length; i++)
      filler.append(`Task-${i}`, 'Task', 1, batches[i] ?? []);
    filler.db.close();
    const keep = () => undefined;
    await pair(
      storeWorkload(
        'W4 full reads of 1,000 × 100-event streams: eventfold',
        100_000,
        () => readFile,
        keep,
        async (s) => {
          for (let i = 0; i < 1_000; i++) await s.read(`Task-${i}`);
        },
      ),
      floorWorkload(
        'W4 … floor',
        100_000,
        () => readFile,
        keep,
        (f) => {
          for (let i = 0; i < 1_000; i++) f.read(`Task-${i}`);
        },
      ),
    );
    await pair(
      storeWorkload(
        'W5 global feed, readAllPage × 500: eventfold',
        100_000,
        () => readFile,
        keep,
        async (s) => {
          let count = 0;
          let after: Position | undefined;
          for (;;) {
            const page = await s.readAllPage({ after, limit: 500 });
            count += page.events.length;
            after = page.next;
            if (page.isEnd) break;
          }
          if (count !== 100_000) throw new Error(`feed read ${count} events`);
        },
      ),
      floorWorkload(
        'W5 … floor',
        100_000,
        () => readFile,
        keep,
        (f) => {
          let after = 0;
          for (;;) {
            const { parsed, next } = f.page(after, 500);
            after = next;
            if (parsed.length < 500) break;
          }
        },
      ),
      storeWorkload(
        'W5 global feed, for await readAll(): eventfold',
        100_000,
        () => readFile,
        keep,
        async (s) => {
          let count = 0;
          for await (const _ of s.readAll({ batchSize: 500 })) count++;
          if (count !== 100_000) throw new Error(`feed read ${count} events`);
        },
      ),
    );
    remove(readFile);

    // The shape of Eventuali's published figures: 10 aggregates × 100 small events, saved one event per append, then loaded.
    const aggregates = 10;
    const perAggregate = 100;
    await pair(
      storeWorkload(
        'Eventuali shape: 10 × 100 saves (1 event each): eventfold',
        aggregates * perAggregate,
        fresh,
        remove,
        async (s) => {
          for (let v = 0; v < perAggregate; v++) {
            for (let a = 0; a < aggregates; a++)
              await s.append(`Counter-${a}`, [small(v)], { expectedVersion: v });
          }
        },
      ),
      floorWorkload(
        'Eventuali shape saves … floor',
        aggregates * perAggregate,
        fresh,
        remove,
        (f) => {
          for (let v = 0; v < perAggregate; v++) {
            for (let a = 0; a < aggregates; a++)
              f.append(`Counter-${a}`, 'Counter', v + 1, [small(v)]);
          }
        },
      ),
    );
    const memory = () => ':memory:';
    await pair(
      storeWorkload(
        'Eventuali shape saves, :memory: (no disk): eventfold',
        aggregates * perAggregate,
        memory,
        keep,
        async (s) => {
          for (let v = 0; v < perAggregate; v++) {
            for (let a = 0; a < aggregates; a++)
              await s.append(`Counter-${a}`, [small(v)], { expectedVersion: v });
          }
        },
      ),
      floorWorkload(
        'Eventuali shape saves, :memory: … floor',
        aggregates * perAggregate,
        memory,
        keep,
        (f) => {
          for (let v = 0; v < perAggregate; v++) {
            for (let a = 0; a < aggregates; a++)
              f.append(`Counter-${a}`, 'Counter', v + 1, [small(v)]);
          }
        },
      ),
    );
    const loadFile = fresh();
    const loader = new Floor(loadFile);
    for (let a = 0; a < aggregates; a++) {
      for (let v = 0; v < perAggregate; v++)
        loader.append(`Counter-${a}`, 'Counter', v + 1, [small(v)]);
    }
    loader.db.close();
    const rounds = 100; // each run loads the 10 aggregates 100 times
    await pair(
      storeWorkload(
        'Eventuali shape: loads of 10 × 100-event aggregates: eventfold',
        rounds * aggregates * perAggregate,
        () => loadFile,
        keep,
        async (s) => {
          for (let r = 0; r < rounds; r++)
            for (let a = 0; a < aggregates; a++) await s.read(`Counter-${a}`);
        },
      ),
      floorWorkload(
        'Eventuali shape loads … floor',
        rounds * aggregates * perAggregate,
        () => loadFile,
        keep,
        (f) => {
          for (let r = 0; r < rounds; r++)
            for (let a = 0; a < aggregates; a++) f.read(`Counter-${a}`);
        },
      ),
    );
    remove(loadFile);
  } finally {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** One measurement from single-run measurements of the same workload. */
function combine(runs: readonly Measurement[]): Measurement {
  const rates = runs.map((r) => r.median).sort((a, b) => a - b);
  const first = runs[0] as Measurement;
  return {
    name: first.name,
    count: first.count,
    median: median(rates),
    min: rates[0] as number,
    max: rates.at(-1) as number,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
  };
}

function storeWorkload(
  name: string,
  count: number,
  file: () => string,
  remove: (file: string) => void,
  run: (store: SqliteEventStore) => Promise<void>,
  synchronous: SqliteSynchronous = 'NORMAL',
): Workload<SqliteEventStore> {
  return {
    name,
    count,
    setup: () => new SqliteEventStore(file(), { synchronous }),
    run,
    teardown: async (store) => {
      const name = store.database.name;
      await store.close();
      remove(name);
    },
  };
}

function floorWorkload(
  name: string,
  count: number,
  file: () => string,
  remove: (file: string) => void,
  run: (floor: Floor) => void,
  synchronous: SqliteSynchronous = 'NORMAL',
): Workload<Floor> {
  return {
    name,
    count,
    setup: () => new Floor(file(), synchronous),
    run,
    teardown: (floor) => {
      const name = floor.db.name;
      floor.db.close();
      remove(name);
    },
  };
}

/**
 * The measurements as a table. "vs floor" is the median over runs of the
 * floor's rate divided by eventfold's in the run right after it (1.10× = 10 %
 * slower), which cancels most of the drift of a shared machine.
 */
export function formatSqliteTable(rows: readonly Measurement[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [['workload', 'events/s (median)', 'min–max', 'vs floor', 'peak RSS MiB']];
  for (const r of rows) {
    const ratio = floorOf(r)?.ratio;
    lines.push([
      r.name,
      fmt(r.median),
      `${fmt(r.min)}–${fmt(r.max)}`,
      ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      String(r.peakRssMiB),
    ]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')).join('\n');
}

const floors = new WeakMap<Measurement, { floor: Measurement; ratio: number }>();

/**
 * For an eventfold measurement of {@link sqliteBenchmarks}: the floor measured
 * beside it and the paired ratio (floor rate / eventfold rate, median over runs).
 */
export function floorOf(row: Measurement): { floor: Measurement; ratio: number } | undefined {
  return floors.get(row);
}

/** How the Eventuali-shape rows compare with Eventuali's published claims. */
export function formatSourceClaims(rows: readonly Measurement[]): string {
  const saves = rows.find((r) => r.name.startsWith('Eventuali shape: 10 × 100 saves'));
  const memorySaves = rows.find(
    (r) => r.name.startsWith('Eventuali shape saves, :memory:') && r.name.endsWith('eventfold'),
  );
  const loads = rows.find((r) => r.name.startsWith('Eventuali shape: loads'));
  const line = (label: string, m: Measurement | undefined, claim: number) =>
    m === undefined
      ? ''
      : `${label}: ${Math.round(m.median).toLocaleString('en-US')} events/s = ${(m.median / claim).toFixed(2)}× the claimed ${claim.toLocaleString('en-US')}/s`;
  return [
    line('saves (file)', saves, SOURCE_CLAIMS.savesPerSecond),
    line('saves (:memory:)', memorySaves, SOURCE_CLAIMS.savesPerSecond),
    line('loads (file)', loads, SOURCE_CLAIMS.loadsPerSecond),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await sqliteBenchmarks();
  console.log(
    `SQLite (better-sqlite3, WAL, synchronous=NORMAL) on ${tmpdir()}, Node ${process.version}\n`,
  );
  console.log(formatSqliteTable(rows));
  console.log(`\n${formatSourceClaims(rows)}`);
}
