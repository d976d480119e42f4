/**
 * Reads and projections from a streaming hot standby: a primary and its standby started by
 * this file (test/support/postgres-replica.ts), never the machine's server.
 */
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DatabaseError,
  InvalidOptionError,
  MigrationError,
  type Position,
  type RecordedEvent,
} from '../../src/index.js';
import {
  PostgresEventStore,
  PostgresSubscriptionStorage,
  ReadOnlyStoreError,
  ReplicationTimeoutError,
} from '../../src/stores/postgres/index.js';
import { startProjection, subscribe } from '../../src/subscriptions/index.js';
import {
  postgresReadModelProjection,
  postgresReadModelRows,
} from '../subscriptions/support/postgres-read-model.js';
import { startReplicaPair, type ReplicaPair } from '../support/postgres-replica.js';
import {
  beforeAllOrFail,
  postgresAdminUrl,
  uniqueName,
} from '../support/postgres-test-database.js';
import { within } from '../support/wait.js';
import {
  beginHeldAppend,
  event,
  followFeed,
  holdAppends,
  rawClient,
  sleep,
  waitFor,
} from './helpers.js';

let pair: ReplicaPair;
beforeAllOrFail(async () => {
  pair = await startReplicaPair();
});
afterAll(async () => {
  await pair?.stop();
});

/** A primary store with its replica, on a schema of its own. */
function connect(schema = uniqueName('replica')): Promise<PostgresEventStore> {
  return PostgresEventStore.connect({
    connectionString: pair.primaryUrl,
    schema,
    replica: { connectionString: pair.standbyUrl },
  });
}

function replicaOf(store: PostgresEventStore): PostgresEventStore {
  const { replica } = store;
  if (replica === undefined) throw new Error('no replica');
  return replica;
}

/** The rejection of `promise` (fails when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('a read-only store on a hot standby', () => {
  it('refuses writes, migrations and subscription storage with a ReadOnlyStoreError, sending nothing', async () => {
    const schema = uniqueName('readonly');
    await using primary = await PostgresEventStore.connect({
      connectionString: pair.primaryUrl,
      schema,
    });
    await primary.append('Order-1', [event('Placed')]);
    // Opened lazily, then caught up: the schema the primary just migrated must be replayed first.
    await using standby = new PostgresEventStore({
      connectionString: pair.standbyUrl,
      schema,
      readOnly: true,
    });
    await standby.waitForReplay(await primary.walPosition());
    expect(standby.readOnly).toBe(true);
    const refused = [
      ['append', standby.append('Order-1', [event('Paid')])],
      ['append', standby.appendMany([{ streamId: 'Order-2', events: [event('Placed')] }])],
      ['delete', standby.deleteStream('Order-1')],
      ['truncate', standby.truncateStream('Order-1', { before: 1 })],
      ['stream metadata', standby.setStreamMetadata('Order-1', { maxCount: 3 })],
      ['migrate', standby.migrate()],
    ] as const;
    for (const [operation, promise] of refused) {
      const error = await rejection(promise);
      expect(ReadOnlyStoreError.is(error), String(error)).toBe(true);
      expect((error as ReadOnlyStoreError).code).toBe('READ_ONLY_STORE');
      expect((error as ReadOnlyStoreError).operation).toBe(operation);
    }
    expect(() => new PostgresSubscriptionStorage(standby)).toThrow(ReadOnlyStoreError);
    // Without a storage, a subscription on a lone read-only store cannot keep a checkpoint.
    expect(() => subscribe(standby, { name: 'nowhere', handler: () => undefined })).toThrow(
      ReadOnlyStoreError,
    );
    // Reads work, and nothing was written.
    const { version, events } = await standby.read('Order-1');
    expect([version, events.map((e) => e.type)]).toEqual([1, ['Placed']]);
    expect(await primary.getVersion('Order-1')).toBe(1);
    expect(await primary.exists('Order-2')).toBe(false);
  });

  it('never migrates: an unmigrated schema is a MigrationError naming the primary', async () => {
    const schema = uniqueName('unmigrated');
    const error = await rejection(
      PostgresEventStore.connect({ connectionString: pair.standbyUrl, schema, readOnly: true }),
    );
    expect(MigrationError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/migrate the primary/);
  });

  it('checks its options: readOnly with migrate, a replica of a replica, a replica without a server', () => {
    const url = pair.standbyUrl;
    const option = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        expect(InvalidOptionError.is(error)).toBe(true);
        return (error as InvalidOptionError).option;
      }
      throw new Error('expected an InvalidOptionError');
    };
    expect(
      option(
        () => new PostgresEventStore({ connectionString: url, readOnly: true, migrate: true }),
      ),
    ).toBe('migrate');
    expect(
      option(
        () =>
          new PostgresEventStore({
            connectionString: url,
            readOnly: true,
            replica: { connectionString: url },
          }),
      ),
    ).toBe('replica');
    expect(option(() => new PostgresEventStore({ connectionString: url, replica: {} }))).toBe(
      'replica',
    );
    expect(
      option(
        () =>
          new PostgresEventStore({
            connectionString: url,
            replica: { connectionString: url, schema: 'x' } as never,
          }),
      ),
    ).toBe('replica.schema');
    expect(option(() => new PostgresEventStore({ replayPollIntervalMs: 5 }))).toBe(
      'replayPollIntervalMs',
    );
  });
});

describe('a primary’s replica', () => {
  it('must be a physical standby of it: another server is an InvalidOptionError naming replica', async () => {
    const error = await rejection(
      PostgresEventStore.connect({
        connectionString: pair.primaryUrl,
        schema: uniqueName('other'),
        replica: { connectionString: postgresAdminUrl() }, // the test server, not a standby of this primary
      }),
    );
    expect(InvalidOptionError.is(error), String(error)).toBe(true);
    expect((error as InvalidOptionError).option).toBe('replica');
    expect((error as Error).message).toMatch(/physical standby/);
  });

  it('may be the primary itself (in development): waits resolve at once, writes are still refused', async () => {
    const schema = uniqueName('self');
    await using store = await PostgresEventStore.connect({
      connectionString: pair.primaryUrl,
      schema,
      replica: { connectionString: pair.primaryUrl },
    });
    const { position } = await store.append('Self-1', [event('Written')]);
    await store.waitForReplica({ timeoutMs: 1_000 });
    expect((await replicaOf(store).read('Self-1')).version).toBe(1);
    expect(await replicaOf(store).headPosition()).toBe(position);
    expect(
      ReadOnlyStoreError.is(await rejection(replicaOf(store).append('Self-1', [event('X')]))),
    ).toBe(true);
  });
});

describe('read your own writes on the replica', () => {
  it('waits until the replica replayed the primary’s writes, then reads them there', async () => {
    await using store = await connect();
    const replica = replicaOf(store);
    for (let i = 1; i <= 20; i++) {
      const appended = await store.append(`Cart-${i}`, [event('Added', { i })]);
      await store.waitForReplica({ timeoutMs: 5_000 });
      const read = await replica.read(`Cart-${i}`);
      expect(read.version).toBe(appended.version);
      expect(read.events.map((e) => e.data)).toEqual([{ i }]);
      expect(read.events[0]?.position).toBe(appended.position);
    }
  });

  it('times out with a ReplicationTimeoutError while replay is paused, and succeeds once resumed', async () => {
    await using store = await connect();
    const replica = replicaOf(store);
    await store.waitForReplica();
    await pair.pauseReplay();
    try {
      await store.append('Paused-1', [event('Written')]);
      const target = await store.walPosition();
      const started = Date.now();
      const error = await rejection(store.waitForReplica({ timeoutMs: 300 }));
      expect(ReplicationTimeoutError.is(error), String(error)).toBe(true);
      const timeout = error as ReplicationTimeoutError;
      expect(timeout.code).toBe('REPLICATION_TIMEOUT');
      expect(timeout.timeoutMs).toBe(300);
      expect(timeout.target >= target || timeout.target === target).toBe(true);
      expect(timeout.reached).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(await replica.exists('Paused-1')).toBe(false);
      // A caller's signal wins over the timeout and keeps its own reason.
      const controller = new AbortController();
      const aborted = rejection(replica.waitForReplay(target, { signal: controller.signal }));
      controller.abort(new Error('gave up'));
      expect(((await aborted) as Error).message).toBe('gave up');
    } finally {
      await pair.resumeReplay();
    }
    await store.waitForReplica({ timeoutMs: 10_000 });
    expect(await replica.exists('Paused-1')).toBe(true);
  });

  it('rejects a malformed WAL position with an InvalidOptionError', async () => {
    await using store = await connect();
    const error = await rejection(replicaOf(store).waitForReplay('not-an-lsn'));
    expect(InvalidOptionError.is(error)).toBe(true);
  });
});

describe('the feed read on the standby', () => {
  it('withholds a later commit on the standby while an earlier primary transaction is open', async () => {
    const schema = uniqueName('horizon');
    await using store = await connect(schema);
    const replica = replicaOf(store);
    const start = await replica.headPosition();
    const holder = await rawClient(pair.primaryUrl);
    try {
      await beginHeldAppend(holder, schema, 'Slow-1', [event('Slow')]);
      const fast = await store.append('Fast-1', [event('Fast')]);
      await store.waitForReplica();
      // Replayed, but behind the horizon: reading and checkpointing it now would skip Slow-1.
      expect(await replica.exists('Fast-1')).toBe(true);
      expect((await replica.readAllPage({ after: start, limit: 100 })).events).toEqual([]);
      expect(await replica.hasPendingEvents(start, {})).toBe(true);
      await holder.query('COMMIT');
      await store.waitForReplica();
      const events = await waitFor(async () => {
        const page = await replica.readAllPage({ after: start, limit: 100 });
        return page.events.length >= 2 ? page.events : undefined;
      }, 'the standby’s feed to move on');
      expect(events.map((e) => e.streamId)).toEqual(['Slow-1', 'Fast-1']);
      expect(events[1]?.position).toBe(fast.position);
    } finally {
      await holder.end();
    }
  });

  it('a projection on the replica ends equal to a rebuild, under delayed and rolled-back commits', async () => {
    const schema = uniqueName('chaos');
    await using store = await connect(schema);
    const replica = replicaOf(store);
    const projection = await postgresReadModelProjection(store, 'live', ['Written', 'Held']);
    // The replica's own storage is the primary's: checkpoints and read model commit there.
    const running = startProjection(replica, projection, { targetBatchMs: 20 });
    expect(running.storage).toBeInstanceOf(PostgresSubscriptionStorage);
    // A plain subscription on the replica with an explicit storage on the primary, counting.
    await using storage = new PostgresSubscriptionStorage(store);
    const seen: RecordedEvent[] = [];
    const counter = subscribe(replica, {
      name: 'counter',
      storage,
      handler: (e) => void seen.push(e),
    });
    // And a bare reader of the standby's feed, in small pages.
    const follower = followFeed(replica, 7);
    const holders: pg.Client[] = await Promise.all(
      Array.from({ length: 3 }, () => rawClient(pair.primaryUrl)),
    );
    let last: Position | undefined;
    try {
      const streams = Array.from({ length: 24 }, (_, i) => `Item-${i}`);
      const writers = Array.from({ length: 6 }, async (_, w) => {
        for (let n = 0; n < 30; n++) {
          const stream = streams[(w * 7 + n * 13) % streams.length] as string;
          const size = 1 + ((w + n) % 3);
          const appended = await store.append(
            stream,
            Array.from({ length: size }, (_, i) => event('Written', { w, n, i })),
          );
          if (last === undefined || appended.position > last) last = appended.position;
        }
      });
      const held = holdAppends(holders, schema, streams, 5);
      const [rolledBack] = await Promise.all([held, ...writers]);
      expect(rolledBack).toBeGreaterThan(0);
      // The last head: once nothing committed waits behind the primary's horizon.
      await waitFor(async () => !(await store.hasPendingEvents(undefined, {})), 'a settled feed');
      const head = await store.headPosition();
      if (head === undefined || last === undefined || head < last) throw new Error('no head');
      await store.waitForReplica();
      await waitFor(
        async () =>
          (await replica.headPosition()) === head && !(await replica.hasPendingEvents(head, {})),
        'the standby’s feed to reach the primary’s head',
      );
      await follower.finish();
      // waitForPosition works with the primary's positions: they are the replica's too.
      await within(running.waitForPosition(head), 'the projection on the replica', 60_000);
      await within(counter.waitForPosition(head), 'the subscription on the replica', 60_000);
      await running.stop();
      await counter.stop();

      const all = await store.readAll().toArray();
      expect(seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(follower.seen.map((e) => e.id)).toEqual(all.map((e) => e.id));
      const rebuilt = await postgresReadModelProjection(store, 'rebuilt', ['Written', 'Held']);
      const rebuild = startProjection(store, rebuilt);
      await within(rebuild.waitForPosition(head), 'the rebuild on the primary', 60_000);
      await rebuild.stop();
      const live = await postgresReadModelRows(store, 'live');
      expect(live.size).toBeGreaterThan(20);
      expect(live).toEqual(await postgresReadModelRows(store, 'rebuilt'));
      for (const [streamId, row] of live) {
        expect(row.version).toBe(await store.getVersion(streamId));
        expect(row.count).toBe(row.version); // every event applied exactly once
      }
    } finally {
      await running.stop();
      await counter.stop();
      await follower.finish();
      await Promise.all(holders.map((client) => client.end()));
    }
  });

  it('wakes a live subscription on the replica soon after an append on the primary', async () => {
    await using store = await connect();
    const replica = replicaOf(store);
    const seen: string[] = [];
    const sub = subscribe(replica, {
      name: 'live',
      from: 'end',
      handler: (e) => void seen.push(e.streamId),
    });
    await within(sub.caughtUp, 'catch-up');
    for (let i = 0; i < 5; i++) {
      const appended = await store.append(`Live-${i}`, [event('Written')]);
      await within(sub.waitForPosition(appended.position), `event ${i}`, 10_000);
    }
    await sub.stop();
    expect(seen).toEqual(['Live-0', 'Live-1', 'Live-2', 'Live-3', 'Live-4']);
  });
});

// Last: they stop the standby.
describe('a stopped standby', () => {
  it('a projection on the replica rides out a standby restart and ends equal to a rebuild', async () => {
    await using store = await connect();
    const replica = replicaOf(store);
    const projection = await postgresReadModelProjection(store, 'restarted');
    const running = startProjection(replica, projection, { targetBatchMs: 20 });
    const states = new Set<string>();
    const watch = setInterval(() => states.add(running.state), 5);
    try {
      let writing = true;
      const writer = (async () => {
        for (let n = 0; writing || n < 40; n++) {
          await store.append(`Task-${n % 12}`, [event('Created', { n })]);
          await sleep(5);
        }
      })();
      await sleep(200);
      await pair.stopStandby();
      await sleep(500);
      await pair.startStandby();
      writing = false;
      await writer;
      await waitFor(async () => !(await store.hasPendingEvents(undefined, {})), 'a settled feed');
      const head = await store.headPosition();
      if (head === undefined) throw new Error('no head');
      await within(running.waitForPosition(head), 'the projection after the restart', 60_000);
    } finally {
      clearInterval(watch);
      await running.stop();
    }
    expect(states).toContain('retrying');
    const rebuilt = await postgresReadModelProjection(store, 'restarted_rebuild');
    const rebuild = startProjection(store, rebuilt);
    const head = await store.headPosition();
    if (head === undefined) throw new Error('no head');
    await within(rebuild.waitForPosition(head), 'the rebuild', 60_000);
    await rebuild.stop();
    const live = await postgresReadModelRows(store, 'restarted');
    expect(live.size).toBe(12);
    expect(live).toEqual(await postgresReadModelRows(store, 'restarted_rebuild'));
    for (const row of live.values()) expect(row.count).toBe(row.version);
  });

  it('makes waitForReplica time out with a ReplicationTimeoutError whose cause is the connection error', async () => {
    await using store = await connect();
    await pair.stopStandby();
    await store.append('Stopped-1', [event('Written')]);
    const error = await rejection(store.waitForReplica({ timeoutMs: 500 }));
    expect(ReplicationTimeoutError.is(error), String(error)).toBe(true);
    const cause = (error as ReplicationTimeoutError).cause;
    expect(DatabaseError.is(cause) && cause.connectionLost, String(cause)).toBe(true);
    // Reads fail typed too, and the primary goes on.
    const read = await rejection(replicaOf(store).read('Stopped-1'));
    expect(DatabaseError.is(read)).toBe(true);
    expect(await store.getVersion('Stopped-1')).toBe(1);
  });
});
