import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError, type Position } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import {
  beforeAllOrFail,
  createTestDatabase,
  uniqueName,
  type TestDatabase,
} from '../support/postgres-test-database.js';
import { beginHeldAppend, event, rawClient, waitFor } from './helpers.js';

let database: TestDatabase;
let store: PostgresEventStore;
const schema = uniqueName('feed');
beforeAllOrFail(async () => {
  database = await createTestDatabase('feed');
  store = await PostgresEventStore.connect({ connectionString: database.url, schema });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function readAll(after?: Position) {
  return (await store.readAllPage({ after, limit: 1000 })).events;
}

describe('PostgreSQL global feed', () => {
  it('counts held-back events as pending, not as readable, until the horizon passes them', async () => {
    const start = await store.headPosition();
    const holder = await rawClient(database.url);
    try {
      await beginHeldAppend(holder, schema, 'Pending-1', [event('Slow')]);
      const fast = await store.append('Pending-2', [event('Fast')]);
      expect(await store.hasPendingEvents(start, {})).toBe(true);
      expect(await store.hasPendingEvents(start, { categories: ['Pending'] })).toBe(true);
      expect(await store.hasPendingEvents(start, { types: ['Other'] })).toBe(false);
      expect(await store.countEventsAfter(start, {}, 10)).toBe(0);
      expect(await store.headPosition()).toBe(start);
      await holder.query('COMMIT');
      await waitFor(
        async () => ((await store.hasPendingEvents(start, {})) ? undefined : true),
        'nothing pending',
      );
      expect(await store.countEventsAfter(start, { categories: ['Pending'] }, 10)).toBe(2);
      expect(await store.headPosition()).toBe(fast.position);
    } finally {
      await holder.end();
    }
  });

  it('holds back later commits until an earlier open transaction ends, and reports it', async () => {
    const start = (await store.readAllPage({ limit: 100_000 })).next;
    const holder = await rawClient(database.url);
    try {
      const held = await beginHeldAppend(holder, schema, 'Slow-1', [event('Slow')]);
      await store.append('Fast-1', [event('Fast')]);
      // The later commit is withheld: reading it now and checkpointing would skip Slow-1.
      expect(await readAll(start)).toEqual([]);
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const health = await waitFor(async () => {
        const h = await store.getFeedHealth();
        return h.oldestBlockingTransactionAgeMs > 0 && h.blockingPid === rows[0]?.pid
          ? h
          : undefined;
      }, 'the open transaction to age');
      expect(health.blockingTransactionId).toBe(held.o_transaction_id);
      expect(health.blockingState).toBe('idle in transaction');
      expect(health.withheldEvents).toBe(1);
      await holder.query('COMMIT');
      const events = await waitFor(async () => {
        const read = await readAll(start);
        return read.length >= 2 ? read : undefined;
      }, 'the feed to move on');
      expect(events.map((e) => e.streamId)).toEqual(['Slow-1', 'Fast-1']);
      await waitFor(
        async () => (await store.getFeedHealth()).withheldEvents === 0,
        'nothing withheld',
      );
    } finally {
      await holder.end();
    }
  });

  it('orders a stream by version even when its writer waited behind an open transaction', async () => {
    const start = (await store.readAllPage({ limit: 100_000 })).next;
    const holder = await rawClient(database.url);
    try {
      await beginHeldAppend(holder, schema, 'Order-1', [event('First')]);
      const second = store.append('Order-1', [event('Second')], { expectedVersion: 1 });
      await holder.query('COMMIT');
      await second;
      const events = await waitFor(async () => {
        const read = await readAll(start);
        return read.length >= 2 ? read : undefined;
      }, 'both events');
      expect(events.map((e) => [e.type, e.version])).toEqual([
        ['First', 1],
        ['Second', 2],
      ]);
    } finally {
      await holder.end();
    }
  });

  it('refuses an append after the transaction already wrote (the first-write rule)', async () => {
    const client = await rawClient(database.url);
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".migrations (version, name) VALUES (-1, 'scratch')`,
      );
      await expect(beginHeldAppend(client, schema, 'Rule-1', [event('A')])).rejects.toThrow(
        /first write/,
      );
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  it('filters by several types and categories through the per-key branches', async () => {
    const filtered = await PostgresEventStore.connect({
      connectionString: database.url,
      schema: uniqueName('filter'),
    });
    try {
      const types = Array.from({ length: 20 }, (_, i) => `Type${i}`);
      for (let i = 0; i < 60; i++) {
        await filtered.append(`Cat${i % 3}-${i}`, [event(types[i % 20] as string, { i })]);
      }
      const few = await filtered
        .readAll({ types: ['Type1', 'Type2', 'Type3'], batchSize: 2 })
        .toArray();
      expect(few.map((e) => (e.data as { i: number }).i)).toEqual([
        1, 2, 3, 21, 22, 23, 41, 42, 43,
      ]);
      const many = await filtered.readAll({ types, batchSize: 7 }).toArray();
      expect(many).toHaveLength(60);
      const both = await filtered
        .readAll({ types: ['Type0', 'Type3', 'Type6'], categories: ['Cat0', 'Cat2'] })
        .toArray();
      expect(both.map((e) => (e.data as { i: number }).i)).toEqual(
        [0, 3, 6, 20, 23, 26, 40, 43, 46].filter((i) => i % 3 !== 1),
      );
      const manyBoth = await filtered
        .readAll({ types: ['Type0'], categories: Array.from({ length: 30 }, (_, i) => `Cat${i}`) })
        .toArray();
      expect(manyBoth).toHaveLength(3);
    } finally {
      await filtered.close();
    }
  });

  it('rejects stream ids and types PostgreSQL cannot store exactly, before writing', async () => {
    await expect(store.append('Bad-\ud800', [event('A')])).rejects.toThrow(ValidationError);
    await expect(store.append('Bad-1', [event('A\u0000B')])).rejects.toThrow(ValidationError);
    await expect(store.append('Bad-1', [event('A\udc00')])).rejects.toThrow(ValidationError);
    expect(await store.getVersion('Bad-1')).toBe(0);
    // Paired surrogates and NUL inside data are fine.
    const data = { text: 'a\u0000b 😀', nested: ['\u0000'] };
    await store.append('Good-😀', [event('Emoji😀', data)]);
    const stream = await store.read('Good-😀');
    expect(stream.events[0]?.data).toEqual(data);
    expect(stream.events[0]?.type).toBe('Emoji😀');
  });
});

describe('PostgreSQL append notifications', () => {
  it('wakes listeners after appends from any store, coalesced, until unsubscribed', async () => {
    const other = await PostgresEventStore.connect({ connectionString: database.url, schema });
    try {
      let wakes = 0;
      const stop = store.onAppended(() => wakes++);
      await stop.ready;
      await other.append('Notify-1', [event('A')]);
      await waitFor(() => wakes >= 1, 'a wake-up');
      const before = wakes;
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => other.append(`Notify-${i}`, [event('B')])),
      );
      await waitFor(() => wakes > before, 'a wake-up after the burst');
      // Coalesced: never more wake-ups than appends.
      expect(wakes - before).toBeLessThanOrEqual(30);
      stop();
      stop();
    } finally {
      await other.close();
    }
  });

  it('with notify: false, wakes its own listeners in-process', async () => {
    const quiet = await PostgresEventStore.connect({
      connectionString: database.url,
      schema,
      notify: false,
    });
    try {
      let wakes = 0;
      const stop = quiet.onAppended(() => wakes++);
      await stop.ready;
      await quiet.append('Quiet-1', [event('A')]);
      await waitFor(() => wakes >= 1, 'an in-process wake-up');
      stop();
    } finally {
      await quiet.close();
    }
  });

  it('reconnects the listening connection and wakes listeners when it is back', async () => {
    let wakes = 0;
    const stop = store.onAppended(() => wakes++);
    try {
      await stop.ready;
      const admin = await rawClient(database.url);
      try {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'`,
          [database.name],
        );
      } finally {
        await admin.end();
      }
      await waitFor(() => wakes >= 1, 'the wake-up after reconnecting');
      await waitFor(async () => {
        const before = wakes;
        await store.append('Reconnected-1', [event('A')]);
        return waitFor(() => wakes > before, 'a wake-up on the new connection', 2_000).catch(
          () => false,
        );
      }, 'notifications on the new connection');
    } finally {
      stop();
    }
  });
});
