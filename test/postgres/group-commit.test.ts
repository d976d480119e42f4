/**
 * Grouped writes under the feed rule, and conditions across processes: a
 * feed reader never sees a stream out of version order nor skips an event
 * while commits of many units (each touching several streams) race and
 * transactions are held open; two writer processes racing on one condition
 * get exactly one winner.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { WriteUnit } from '../../src/stores/kernel/event-store-driver.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import type { PostgresCursor, PostgresDriver } from '../../src/stores/postgres/postgres-driver.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  beginHeldCommit,
  expectSeenAsStored,
  followFeed,
  openDriver,
  rawClient,
  sleep,
  unitOf,
  waitFor,
} from './helpers.js';

const database = useTestDatabase('group_commit');
const WRITER = fileURLToPath(new URL('./fixtures/dcb-writer.ts', import.meta.url));

/** A writer process: `send` a line, `next` awaits its next output line. */
function startWriter(schema: string, name: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, database().url, schema, name], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let read = 0;
  return {
    send: (line: string) => child.stdin.write(`${line}\n`),
    next: () =>
      waitFor(
        () => (lines.length > read ? (lines[read++] as string) : undefined),
        `a line from writer ${name} (stderr: ${stderr})`,
      ),
    end: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** A random-ish unit of 1–3 entries over `streams` (distinct), 1–3 events each. */
async function groupedUnit(
  streams: readonly string[],
  w: number,
  n: number,
): Promise<WriteUnit<PostgresCursor>> {
  const count = 1 + ((w + n) % 3);
  const chosen = new Set<string>();
  for (let k = 0; chosen.size < count; k++)
    chosen.add(streams[(w * 7 + n * 13 + k * 5) % streams.length] as string);
  return unitOf(
    [...chosen].map((streamId, e) => ({
      streamId,
      events: Array.from({ length: 1 + ((w + e) % 3) }, (_, i) => ({
        type: 'Grouped',
        data: { w, n, e, i },
        tags: [`w:${w}`],
      })),
    })),
  );
}

describe('PostgreSQL grouped commits and the feed rule', () => {
  it('a feed reader sees every event once, each stream in version order, while grouped commits race', async () => {
    const schema = uniqueName('feed');
    const drivers: PostgresDriver[] = Array.from({ length: 6 }, () =>
      openDriver(database().url, schema, 2),
    );
    const reader = await PostgresEventStore.connect({ connectionString: database().url, schema });
    const holders: pg.Client[] = await Promise.all(
      Array.from({ length: 2 }, () => rawClient(database().url)),
    );
    const follower = followFeed(reader, 41);
    try {
      const streams = Array.from({ length: 24 }, (_, i) => `Group-${i}`);
      const writers = drivers.map(async (driver, w) => {
        for (let n = 0; n < 25; n++) {
          // Several units per commit, as a group commit sends them.
          const units = await Promise.all(
            Array.from({ length: 1 + (n % 4) }, (_, u) => groupedUnit(streams, w, n * 4 + u)),
          );
          const outcomes = await driver.commit(units);
          for (const outcome of outcomes) expect(outcome.ok).toBe(true);
        }
      });
      // Grouped transactions held open on writers' streams; one in three rolled back.
      const held = holders.map(async (client, h) => {
        for (let n = 0; n < 5; n++) {
          await beginHeldCommit(client, schema, [
            await groupedUnit(streams, 10 + h, n),
            await groupedUnit(streams, 20 + h, n),
          ]);
          await sleep(25 + 15 * h);
          await client.query((h + n) % 3 === 0 ? 'ROLLBACK' : 'COMMIT');
        }
      });
      await Promise.all([...writers, ...held]);
      await follower.finish();

      await expectSeenAsStored(reader, schema, follower.seen);
      for (const e of follower.seen) expect(e.tags).toHaveLength(1);
    } finally {
      void follower.finish();
      await Promise.all(holders.map((client) => client.end()));
      await Promise.all(drivers.map((driver) => driver.close()));
      await reader.close();
    }
  });

  it('two writer processes racing on one condition: exactly one wins each round', async () => {
    const schema = uniqueName('procs');
    const store = await PostgresEventStore.connect({ connectionString: database().url, schema });
    const writers = [startWriter(schema, 'p1'), startWriter(schema, 'p2')];
    try {
      for (const writer of writers) expect(await writer.next()).toBe('ready');
      for (let round = 0; round < 8; round++) {
        const query = { items: [{ types: ['StudentSubscribed'], tags: [`course:${round}`] }] };
        const { position } = await store.readByQuery(query);
        for (const writer of writers)
          writer.send(JSON.stringify({ round, after: position ?? null }));
        const results = await Promise.all(
          writers.map(
            async (writer) => JSON.parse(await writer.next()) as { round: number; result: string },
          ),
        );
        expect(results.map((r) => r.round)).toEqual([round, round]);
        expect(results.map((r) => r.result).sort()).toEqual(['refused', 'written']);
        expect((await store.readByQuery(query)).events).toHaveLength(1);
      }
    } finally {
      await Promise.all(writers.map((writer) => writer.end()));
      await store.close();
    }
  });
});
