/**
 * PostgreSQL benchmarks: eventfold's PostgresEventStore beside the floor, raw
 * `pg` doing the same inserts and selects on the same tables and indexes (the
 * store's own migration): one statement per append inserting the events
 * through `unnest` and upserting the stream row, versions computed by the
 * client, no lock, no check, no notification; reads with the same columns and
 * JSON parsing. Each write run gets a fresh schema.
 *
 * - W1: single-event appends to 10,000 new streams
 * - W2: 100-event appends to 1,000 new streams
 * - W3: single-event appends to new streams by 16 concurrent writers, beside 1 writer,
 *   and the same with serialised appends (one global lock instead of the per-stream
 *   lock: the other correct feed design of docs/postgres.md) for the trade-off
 * - W4: full reads of 1,000 streams of 100 events
 * - W5: the global feed read in pages of 500
 *
 * Run with `npm run bench:postgres` (server: `DATABASE_URL`, else
 * `postgresql://postgres@127.0.0.1:5432/postgres`); `bench/run.ts` calls
 * {@link postgresBenchmarks}.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { PostgresEventStore } from '../src/stores/postgres/index.js';
import {
  formatTable,
  measure,
  payload200,
  type Measurement,
  type Workload,
} from './lib/measure.js';

/** Options of {@link postgresBenchmarks}. */
export interface PostgresBenchOptions {
  /** The server (default `DATABASE_URL`, else the local service). */
  connectionString?: string;
  /** Timed runs per workload (default 5). */
  runs?: number;
  /** Untimed warm-up runs per workload (default 1). */
  warmup?: number;
  /** Single-event appends in W1 (default 10,000). */
  w1Appends?: number;
  /** Appends in each W3 run (default 4,000). */
  w3Appends?: number;
}

/** The server the benchmark uses when none is given. */
export const DEFAULT_BENCH_URL =
  process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface Ev {
  type: string;
  data: unknown;
}

const big = (i: number): Ev => ({ type: 'TaskUpdated', data: payload200(i) });

/** The floor: raw `pg` on a schema created by the store's migration. */
export class Floor {
  readonly #pool: pg.Pool;
  readonly #append: string;
  readonly #read: string;
  readonly #page: string;
  readonly #names: string;

  constructor(pool: pg.Pool, schema: string) {
    const s = `"${schema}"`;
    this.#pool = pool;
    this.#names = schema;
    this.#append = `WITH ins AS (
      INSERT INTO ${s}.events (stream_id, version, category, event_id, type, data, metadata)
      SELECT $1, $2 + u.n, $3, u.id, u.type, u.data, u.metadata
      FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u (id, type, data, metadata, n)
      RETURNING 1)
    INSERT INTO ${s}.streams (stream_id, version) VALUES ($1, $2 + $8)
      ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version`;
    this.#read = `SELECT transaction_id, global_position, stream_id, version, event_id, type, data, metadata, recorded_at
      FROM ${s}.events WHERE stream_id = $1 ORDER BY version`;
    this.#page = `SELECT transaction_id, global_position, stream_id, version, event_id, type, data, metadata, recorded_at
      FROM ${s}.events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
      ORDER BY transaction_id, global_position LIMIT $3`;
  }

  /** Appends events at versions `first + 1 …` (the client knows them). */
  async append(
    streamId: string,
    category: string,
    first: number,
    events: readonly Ev[],
  ): Promise<void> {
    const ids = events.map(() => uuidv7());
    const data = events.map((e) => JSON.stringify(e.data));
    await this.#pool.query({
      name: `floor_append_${this.#names}`,
      text: this.#append,
      values: [
        streamId,
        first,
        category,
        ids,
        events.map((e) => e.type),
        data,
        events.map(() => null),
        events.length,
      ],
    });
  }

  async read(streamId: string): Promise<unknown[][]> {
    const result = await this.#pool.query<unknown[]>({
      name: `floor_read_${this.#names}`,
      text: this.#read,
      values: [streamId],
      rowMode: 'array',
    });
    return result.rows.map(parse);
  }

  async page(
    after: [string, string],
    limit: number,
  ): Promise<{ rows: unknown[][]; next: [string, string] }> {
    const result = await this.#pool.query<unknown[]>({
      name: `floor_page_${this.#names}`,
      text: this.#page,
      values: [after[0], after[1], limit],
      rowMode: 'array',
    });
    const rows = result.rows.map(parse);
    const last = rows.at(-1);
    return { rows, next: last === undefined ? after : [String(last[0]), String(last[1])] };
  }
}

/** Parses a row's data and metadata in place, as the store does. */
function parse(row: unknown[]): unknown[] {
  row[6] = JSON.parse(row[6] as string);
  row[7] = row[7] === null ? {} : (JSON.parse(row[7] as string) as unknown);
  return row;
}

/** Runs every PostgreSQL workload, eventfold and floor side by side; returns the measurements, each floor row before its eventfold row. */
export async function postgresBenchmarks(
  options: PostgresBenchOptions = {},
): Promise<Measurement[]> {
  const url = options.connectionString ?? DEFAULT_BENCH_URL;
  const runs = options.runs ?? 5;
  const warmup = options.warmup ?? 1;
  const w1 = options.w1Appends ?? 10_000;
  const w3 = options.w3Appends ?? 4_000;
  const admin = new pg.Pool({ connectionString: url, max: 20 });
  const schemas: string[] = [];
  const freshSchema = async (): Promise<string> => {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    schemas.push(schema);
    // The store's migration creates the schema: the floor writes to exactly the same tables.
    await (await PostgresEventStore.connect({ pool: admin, schema })).close();
    return schema;
  };
  const dropSchema = async (schema: string) => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  };
  const storeOn = (schema: string, max: number) =>
    PostgresEventStore.connect({ connectionString: url, schema, poolConfig: { max } });

  const out: Measurement[] = [];
  // Floor and eventfold runs alternate, so that a slow spell hits both alike.
  const pair = async (...workloads: Workload<unknown>[]) => {
    for (const workload of workloads) await measure(workload, 0, warmup);
    const results = workloads.map((): Measurement[] => []);
    for (let i = 0; i < runs; i++) {
      for (let w = 0; w < workloads.length; w++) {
        results[w]?.push(await measure(workloads[w] as Workload<unknown>, 1, 0));
      }
    }
    out.push(...results.map(combine));
  };
  const writeStore = (
    name: string,
    count: number,
    max: number,
    run: (s: PostgresEventStore) => Promise<void>,
  ): Workload<PostgresEventStore> => ({
    name,
    count,
    setup: async () => storeOn(await freshSchema(), max),
    run,
    teardown: async (store) => {
      await store.close();
      await dropSchema(store.schema);
    },
  });
  const writeFloor = (
    name: string,
    count: number,
    run: (f: Floor) => Promise<void>,
  ): Workload<{ floor: Floor; schema: string }> => ({
    name,
    count,
    setup: async () => {
      const schema = await freshSchema();
      return { floor: new Floor(admin, schema), schema };
    },
    run: ({ floor }) => run(floor),
    teardown: ({ schema }) => dropSchema(schema),
  });
  const serialised = (workload: Workload<PostgresEventStore>): Workload<PostgresEventStore> => ({
    ...workload,
    setup: async () => {
      const store = await workload.setup();
      const { rows } = await admin.query<{ d: string }>(
        `SELECT pg_get_functiondef('"${store.schema}".append_events'::regproc) AS d`,
      );
      const definition = rows[0]?.d ?? '';
      const changed = definition.replace(
        'pg_advisory_xact_lock(hashtextextended(p_stream_id, 0))',
        "pg_advisory_xact_lock(hashtextextended('eventfold-global', 0))",
      );
      if (changed === definition) throw new Error('the stream lock was not found in append_events');
      await admin.query(changed);
      return store;
    },
  });
  const concurrently = async (
    writers: number,
    total: number,
    append: (i: number) => Promise<void>,
  ) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = next++; i < total; i = next++) await append(i);
      }),
    );
  };

  try {
    // W1: single-event appends to new streams.
    const w1Name = `W1 ${w1.toLocaleString('en-US')} single-event appends`;
    await pair(
      writeFloor(`${w1Name}: floor (raw pg)`, w1, async (f) => {
        for (let i = 0; i < w1; i++) await f.append(`Task-${i}`, 'Task', 0, [big(i)]);
      }),
      writeStore(`${w1Name}: eventfold`, w1, 4, async (s) => {
        for (let i = 0; i < w1; i++) await s.append(`Task-${i}`, [big(i)], { expectedVersion: 0 });
      }),
    );

    // W2: 100-event appends to 1,000 new streams.
    const batches = Array.from({ length: 1_000 }, (_, s) =>
      Array.from({ length: 100 }, (_, i) => big(s * 100 + i)),
    );
    await pair(
      writeFloor('W2 1,000 appends of 100 events: floor', 100_000, async (f) => {
        for (let i = 0; i < batches.length; i++)
          await f.append(`Task-${i}`, 'Task', 0, batches[i] ?? []);
      }),
      writeStore('W2 1,000 appends of 100 events: eventfold', 100_000, 4, async (s) => {
        for (let i = 0; i < batches.length; i++)
          await s.append(`Task-${i}`, batches[i] ?? [], { expectedVersion: 0 });
      }),
    );

    // W3: the same single-event appends by 1 and by 16 concurrent writers.
    for (const writers of [1, 16]) {
      const label = `W3 ${w3.toLocaleString('en-US')} appends, ${writers} writer${writers === 1 ? '' : 's'}`;
      await pair(
        writeFloor(`${label}: floor`, w3, (f) =>
          concurrently(writers, w3, (i) => f.append(`Task-${i}`, 'Task', 0, [big(i)])),
        ),
        writeStore(`${label}: eventfold`, w3, writers + 2, (s) =>
          concurrently(writers, w3, async (i) => {
            await s.append(`Task-${i}`, [big(i)], { expectedVersion: 0 });
          }),
        ),
        // The alternative design: every append takes one global lock (serialised appends).
        serialised(
          writeStore(`${label}: serialised appends`, w3, writers + 2, (s) =>
            concurrently(writers, w3, async (i) => {
              await s.append(`Task-${i}`, [big(i)], { expectedVersion: 0 });
            }),
          ),
        ),
      );
    }

    // W4 and W5 read one schema of 1,000 streams of 100 events.
    const readSchema = await freshSchema();
    const filler = new Floor(admin, readSchema);
    await concurrently(8, batches.length, (i) =>
      filler.append(`Task-${i}`, 'Task', 0, batches[i] ?? []),
    );
    await admin.query(`VACUUM ANALYZE "${readSchema}".events`);
    const readStore = (
      name: string,
      run: (s: PostgresEventStore) => Promise<void>,
    ): Workload<PostgresEventStore> => ({
      name,
      count: 100_000,
      setup: () => storeOn(readSchema, 4),
      run,
      teardown: (store) => store.close(),
    });
    const readFloor = (name: string, run: (f: Floor) => Promise<void>): Workload<Floor> => ({
      name,
      count: 100_000,
      setup: () => new Floor(admin, readSchema),
      run,
    });
    await pair(
      readFloor('W4 full reads of 1,000 × 100-event streams: floor', async (f) => {
        for (let i = 0; i < 1_000; i++) await f.read(`Task-${i}`);
      }),
      readStore('W4 full reads of 1,000 × 100-event streams: eventfold', async (s) => {
        for (let i = 0; i < 1_000; i++) await s.read(`Task-${i}`);
      }),
    );
    await pair(
      readFloor('W5 global feed, pages of 500: floor', async (f) => {
        let after: [string, string] = ['0', '0'];
        let count = 0;
        for (;;) {
          const page = await f.page(after, 500);
          count += page.rows.length;
          after = page.next;
          if (page.rows.length < 500) break;
        }
        if (count !== 100_000) throw new Error(`floor feed read ${count} events`);
      }),
      readStore('W5 global feed, pages of 500: eventfold', async (s) => {
        let count = 0;
        for await (const _ of s.readAll({ batchSize: 500 })) count++;
        if (count !== 100_000) throw new Error(`feed read ${count} events`);
      }),
    );
  } finally {
    for (const schema of schemas) await dropSchema(schema).catch(() => undefined);
    await admin.end();
  }
  return out;
}

/** One measurement from single-run measurements of the same workload. */
function combine(runs: readonly Measurement[]): Measurement {
  const rates = runs.map((r) => r.median).sort((a, b) => a - b);
  const mid = rates.length >> 1;
  const median =
    rates.length % 2 === 1
      ? (rates[mid] as number)
      : ((rates[mid - 1] as number) + (rates[mid] as number)) / 2;
  const first = runs[0] as Measurement;
  return {
    name: first.name,
    count: first.count,
    median,
    min: rates[0] as number,
    max: rates.at(-1) as number,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
  };
}

/** The measurements as a table, each row with its ratio to the floor row of the same workload. */
export function formatPostgresTable(rows: readonly Measurement[]): string {
  const workload = (row: Measurement) => row.name.slice(0, row.name.lastIndexOf(': '));
  return formatTable(rows, (row) =>
    rows.find((r) => r.name.startsWith(`${workload(row)}: floor`) && r !== row),
  );
}

/** W3's scaling: the 16-writer rate over the 1-writer rate, for eventfold and the floor. */
export function formatConcurrencyScaling(rows: readonly Measurement[]): string {
  const find = (writers: string, who: string) =>
    rows.find(
      (r) => r.name.startsWith('W3') && r.name.includes(`, ${writers}:`) && r.name.endsWith(who),
    );
  const line = (who: string) => {
    const one = find('1 writer', who);
    const many = find('16 writers', who);
    return one === undefined || many === undefined
      ? ''
      : `${who}: 16 writers = ${(many.median / one.median).toFixed(2)}× 1 writer`;
  };
  return [line('eventfold'), line('floor'), line('serialised appends')]
    .filter((l) => l !== '')
    .join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = DEFAULT_BENCH_URL;
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const settings = await probe.query<{ v: string; s: string }>(
    "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS s",
  );
  const version = settings.rows[0]?.v;
  const sync = settings.rows[0]?.s;
  await probe.end();
  const rows = await postgresBenchmarks({ connectionString: url });
  console.log(`PostgreSQL ${version} (synchronous_commit=${sync}), Node ${process.version}\n`);
  console.log(formatPostgresTable(rows));
  console.log(`\n${formatConcurrencyScaling(rows)}`);
}
