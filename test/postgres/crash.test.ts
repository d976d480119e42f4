import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { rawClient, sleep, waitFor, waitingBackend } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

let database: TestDatabase;
let store: PostgresEventStore;
const schema = uniqueName('crash');
beforeAllOrFail(async () => {
  database = await createTestDatabase('crash');
  store = await PostgresEventStore.connect({ connectionString: database.url, schema });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

/** Starts a writer process; `lines` collects what it prints. */
function startWriter(
  prefix: string,
  size: number,
): { child: ChildProcess; lines: string[]; exited: Promise<void> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, database.url, schema, prefix, String(size)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, lines, exited };
}

/** Every batch in storage is complete: n events, i = 0..n-1 at consecutive versions. */
async function assertBatchesWhole(prefix: string): Promise<Set<string>> {
  const { rows } = await store.pool.query<{
    batch: string;
    count: string;
    n: string;
    first: string;
    last: string;
    is: string;
  }>(
    `SELECT batch, count(*) AS count, min(n) AS n, min(version) AS first, max(version) AS last,
            bool_and(i = version - first_version)::text AS is
     FROM (
       SELECT d->>'batch' AS batch, (d->>'i')::int AS i, (d->>'n')::int AS n, version,
              min(version) OVER (PARTITION BY stream_id, d->>'batch') AS first_version
       FROM (SELECT stream_id, version, data::jsonb AS d FROM "${schema}".events WHERE stream_id LIKE $1) r
     ) b GROUP BY batch`,
    [`${prefix}-%`],
  );
  for (const row of rows) {
    expect(Number(row.count)).toBe(Number(row.n));
    expect(Number(row.last) - Number(row.first) + 1).toBe(Number(row.n));
    expect(row.is).toBe('true');
  }
  for (let s = 0; s < 5; s++) {
    const stream = await store.read(`${prefix}-${s}`);
    expect(stream.events.map((e) => e.version)).toEqual(stream.events.map((_, i) => i + 1));
  }
  return new Set(rows.map((r) => r.batch));
}

describe('PostgreSQL crash safety', () => {
  it('keeps every append all-or-nothing when writer processes are killed mid-append', async () => {
    const confirmed = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const writer = startWriter('Crash', 400);
      await waitFor(
        () => writer.lines.filter((l) => l.startsWith('ok')).length >= 2 + round,
        'the writer to append',
      );
      await sleep(7 * round);
      writer.child.kill('SIGKILL');
      await writer.exited;
      for (const line of writer.lines) if (line.startsWith('ok ')) confirmed.add(line.slice(3));
    }
    // Appends in flight when the process died either committed whole or left nothing.
    await waitFor(async () => {
      const { rows } = await store.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity
         WHERE datname = $1 AND state = 'active' AND query LIKE '%commit_events%' AND pid <> pg_backend_pid()`,
        [database.name],
      );
      return Number(rows[0]?.n) === 0;
    }, 'killed writers to finish server-side');
    const stored = await assertBatchesWhole('Crash');
    for (const batch of confirmed) expect(stored.has(batch)).toBe(true);
  });

  it('an append blocked mid-transaction whose process is killed is all-or-nothing', async () => {
    const admin = await rawClient(database.url);
    try {
      // Let the writer insert its events, then block it on the stream row update.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${schema}".streams IN EXCLUSIVE MODE`);
      const writer = startWriter('Blocked', 300);
      await waitFor(() => writer.lines.includes('go'), 'the writer to start');
      await waitingBackend(store.pool, database.name, '%commit_events%');
      writer.child.kill('SIGKILL');
      await writer.exited;
      await admin.query('ROLLBACK');
      await waitFor(async () => {
        const { rows } = await admin.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = $1 AND query LIKE '%commit_events%' AND state = 'active' AND pid <> pg_backend_pid()`,
          [database.name],
        );
        return Number(rows[0]?.n) === 0;
      }, 'the killed writer to finish server-side');
      const stored = await assertBatchesWhole('Blocked');
      expect(stored.size).toBeLessThanOrEqual(1);
    } finally {
      await admin.end();
    }
  });
});
