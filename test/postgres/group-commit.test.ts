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
import type { Position, RecordedEvent } from '../../src/index.js';
import type { WriteUnit } from '../../src/stores/kernel/event-store-driver.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import type { PostgresCursor, PostgresDriver } from '../../src/stores/postgres/postgres-driver.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { beginHeldCommit, openDriver, rawClient, sleep, unitOf, waitFor } from './helpers.js';

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
    const seen: RecordedEvent[] = [];
    let writing = true;
    try {
      const reading = (async () => {
        let after: Position | undefined;
        let idle = 0;
        while (writing || idle < 2) {
          const page = await reader.readAllPage({ after, limit: 41 });
          seen.push(...page.events);
          after = page.next;
          idle = !writing && page.events.length === 0 ? idle + 1 : 0;
          if (page.isEnd) await sleep(5);
        }
      })();
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
      writing = false;
      await reading;

      const all = await reader.readAll().toArray();
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
      const stored = await reader.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}".events`,
      );
      expect(seen).toHaveLength(Number(stored.rows[0]?.n));
      for (let i = 1; i < seen.length; i++)
        expect((seen[i - 1] as RecordedEvent).position < (seen[i] as RecordedEvent).position).toBe(
          true,
        );
      const last = new Map<string, number>();
      for (const e of seen) {
        expect(e.version).toBe((last.get(e.streamId) ?? 0) + 1);
        last.set(e.streamId, e.version);
        expect(e.tags).toHaveLength(1);
      }
      for (const [streamId, version] of last)
        expect(await reader.getVersion(streamId)).toBe(version);
    } finally {
      writing = false;
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
