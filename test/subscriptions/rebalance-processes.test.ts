/**
 * A rebalancing consumer group of real processes: 4 members share an
 * exactly-once projection's partitions while writers append; one is killed
 * with SIGKILL, two join; once caught up, every event was applied exactly
 * once, in stream order, and the read model equals a rebuild.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore, Position } from '../../src/index.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
} from '../../src/stores/postgres/index.js';
import { SqliteEventStore, SqliteSubscriptionStorage } from '../../src/stores/sqlite/index.js';
import { startProjection, type AnySubscriptionStorage } from '../../src/subscriptions/index.js';
import { subscriptionNames } from '../../src/subscriptions/consumer-group.js';
import { createTempDir } from '../sqlite/support/temp-dir.js';
import { startScript, waitForExit, type ScriptResult } from '../sqlite/support/run-script.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { waitFor } from '../support/wait.js';
import {
  postgresGroupProjection,
  postgresGroupReadModel,
  sqliteGroupProjection,
  sqliteGroupReadModel,
  type GroupReadModel,
} from './support/rebalance-read-model.js';
import { expectedRows, keepWriting, lastPosition, runWriters } from './support/writers.js';

const worker = fileURLToPath(new URL('fixtures/rebalance-worker.ts', import.meta.url));
const PARTITIONS = 8;
const GROUP = 'grp';

/** A member process and its last reported state. */
interface Member {
  readonly id: string;
  last(): { state: string; processed: number; owned: number[] } | undefined;
  waitUntil(
    check: (s: { state: string; processed: number; owned: number[] }) => boolean,
    what: string,
  ): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<ScriptResult>;
}

function startMember(id: string, args: readonly string[]): Member {
  const child = startScript(worker, [...args, id, String(PARTITIONS)]);
  let last: { state: string; processed: number; owned: number[] } | undefined;
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [word, state, processed, owned = ''] = line.split(' ');
      if (word !== 'state' || state === undefined) continue;
      last = {
        state,
        processed: Number(processed),
        owned: owned === '' ? [] : owned.split(',').map(Number),
      };
    }
  });
  const exited = waitForExit(child);
  return {
    id,
    last: () => last,
    waitUntil: async (check, what) => {
      await waitFor(
        async () => {
          if (child.exitCode !== null) {
            const result = await exited;
            throw new Error(
              `member ${id} exited (${result.code}) before ${what}: ${result.stderr}`,
            );
          }
          return last !== undefined && check(last);
        },
        `${what} (member ${id})`,
        60_000,
      );
    },
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

/** The backend's parts of the scenario. */
interface Setup {
  readonly store: EventStore;
  readonly storage: AnySubscriptionStorage;
  readonly workerArgs: readonly string[];
  readModel(): Promise<GroupReadModel>;
  /** The same projection rebuilt from scratch in this process, up to `until`. */
  rebuild(until: Position): Promise<GroupReadModel>;
}

/** Partitions whose every member is live, as reported: the union of their owned lists. */
function covered(members: readonly Member[]): boolean {
  const owned = members.flatMap((m) => m.last()?.owned ?? []);
  return owned.length === PARTITIONS && new Set(owned).size === PARTITIONS;
}

/** Set REBALANCE_TRACE=1 to follow the phases. */
function trace(what: string, members: readonly Member[]): void {
  if (process.env.REBALANCE_TRACE === undefined) return;
  const states = members.map((m) => `${m.id}:${JSON.stringify(m.last())}`).join(' ');
  process.stderr.write(`${new Date().toISOString()} ${what} ${states}\n`);
}

async function runScenario(setup: Setup): Promise<void> {
  const { store, storage } = setup;
  await runWriters(store, { writers: 1, appends: 100, streams: 12 });
  const writers = keepWriting(store, 12);
  let writing = true;
  const members: Member[] = [];
  try {
    for (const id of ['m1', 'm2', 'm3', 'm4']) members.push(startMember(id, setup.workerArgs));
    for (const m of members) {
      await m.waitUntil((s) => s.owned.length === PARTITIONS / 4, 'its share of four members');
    }
    trace('four members have their share', members);
    await waitFor(() => covered(members), 'four members covering every partition', 60_000);
    for (const m of members) await m.waitUntil((s) => s.processed > 0, 'projecting');

    trace('four members project', members);
    const killed = members.find((m) => m.id === 'm2') as Member;
    const result = await killed.kill('SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    const alive = members.filter((m) => m !== killed);
    // The others take m2's partitions once its membership (and lease) expires.
    await waitFor(
      () => covered(alive) && alive.every((m) => (m.last()?.owned.length ?? 0) >= 2),
      'three members covering every partition',
      60_000,
    );
    trace('three members cover', members);
    const before = new Map(alive.map((m) => [m.id, m.last()?.processed ?? 0]));
    await waitFor(
      () => alive.every((m) => (m.last()?.processed ?? 0) > (before.get(m.id) ?? 0)),
      'the three members projecting',
      60_000,
    );

    for (const id of ['m5', 'm6']) {
      const added = startMember(id, setup.workerArgs);
      members.push(added);
      alive.push(added);
    }
    await waitFor(
      () => covered(alive) && alive.every((m) => (m.last()?.owned.length ?? 0) >= 1),
      'five members covering every partition',
      60_000,
    );
    for (const m of alive.slice(-2)) await m.waitUntil((s) => s.processed > 0, 'projecting');

    trace('five members project', members);
    const writes = await writers.stop();
    writing = false;
    const last = lastPosition(writes);
    const names = subscriptionNames(GROUP, PARTITIONS);
    await waitFor(
      async () => {
        const checkpoints = await storage.checkpoints.list();
        return names.every((name) => {
          const position = checkpoints.find((c) => c.name === name)?.position;
          return position !== null && position !== undefined && position >= last;
        });
      },
      'every partition to reach the last event',
      60_000,
    );
    trace('caught up', members);
    for (const m of alive) {
      const done = await m.kill('SIGTERM');
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
    }
    await waitFor(
      async () => (await storage.membership?.members(GROUP))?.length === 0,
      'the group to be empty (the killed member expired, the others left)',
      10_000,
    );
    for (const name of names) expect(await storage.leases.holderOf(name)).toBeUndefined();

    const model = await setup.readModel();
    const feed = await store.readAll().toArray();
    // Every event applied exactly once by the group.
    expect(model.events.size).toBe(feed.length);
    for (const event of feed) expect(model.events.get(event.id), event.id).toBe(1);
    // Per-stream order held across handovers, and the rows are those of the feed and of a rebuild.
    for (const [stream, row] of model.streams) expect(row.ordered, stream).toBe(true);
    const streams = new Map(
      [...model.streams].map(([id, r]) => [id, { version: r.version, count: r.count }]),
    );
    expect(streams).toEqual(expectedRows(feed));
    expect(model).toEqual(await setup.rebuild(last));
  } finally {
    if (writing) await writers.stop();
    await Promise.all(members.map((m) => m.kill('SIGKILL').catch(() => undefined)));
  }
}

describe('rebalancing consumer group of processes', () => {
  const database = useTestDatabase('rebalance_proc');

  it('PostgreSQL: 4 members, one SIGKILLed, two added, while writers append: each event once, in stream order, as a rebuild', async () => {
    const url = database().url;
    const schema = uniqueName('rebal');
    const store = await PostgresEventStore.connect({ connectionString: url, schema });
    const storage = new PostgresSubscriptionStorage(store);
    await postgresGroupProjection(store, GROUP); // the tables, before the members race to create them
    try {
      await runScenario({
        store,
        storage,
        workerArgs: ['postgres', url, schema],
        readModel: () => postgresGroupReadModel(store, GROUP),
        rebuild: async (until) => {
          const projection = await postgresGroupProjection(store, 'grp_rebuild');
          const running = startProjection(store, projection, { storage, batchSize: 500 });
          await running.waitForPosition(until);
          await running.stop();
          return postgresGroupReadModel(store, 'grp_rebuild');
        },
      });
    } finally {
      await storage.close();
      await store.close();
    }
  }, 180_000);

  const dir = createTempDir('eventfold-rebalance-proc-');
  afterAll(() => dir.remove());

  it('SQLite file: 4 members, one SIGKILLed, two added, while writers append: each event once, in stream order, as a rebuild', async () => {
    const file = dir.file();
    const store = new SqliteEventStore(file);
    const storage = new SqliteSubscriptionStorage(store);
    sqliteGroupProjection(store.database, GROUP);
    try {
      await runScenario({
        store,
        storage,
        workerArgs: ['sqlite', file, '-'],
        readModel: () => Promise.resolve(sqliteGroupReadModel(store.database, GROUP)),
        rebuild: async (until) => {
          const projection = sqliteGroupProjection(store.database, 'grp_rebuild');
          const running = startProjection(store, projection, { storage, batchSize: 500 });
          await running.waitForPosition(until);
          await running.stop();
          return sqliteGroupReadModel(store.database, 'grp_rebuild');
        },
      });
    } finally {
      await store.close();
    }
  }, 180_000);
});
