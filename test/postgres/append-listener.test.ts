/**
 * AppendListener, the shared `LISTEN` connection of a PostgreSQL store:
 * wake-ups go through the core's AppendSignal (coalesced per turn of the event
 * loop), subscriptions are disposable, the connection lives from the first
 * listener to the last, and `await using` closes the listener.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppendListener } from '../../src/stores/postgres/append-listener.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { waitFor } from '../support/wait.js';

const database = useTestDatabase('append_listener');

/** Resolves after the next turn of the event loop, once the signal's scheduled wake-ups ran. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** How many connections of the server carry `name` as their application name. */
async function connections(pool: pg.Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
    [name],
  );
  return rows[0]?.n ?? -1;
}

function setup(): { pool: pg.Pool; name: string; channel: string; listener: AppendListener } {
  const pool = new pg.Pool({ connectionString: database().url, max: 2 });
  const name = uniqueName('listener');
  const channel = `eventfold_${name}`;
  const listener = new AppendListener(
    { connectionString: database().url, application_name: name },
    channel,
  );
  return { pool, name, channel, listener };
}

describe('PostgreSQL AppendListener', () => {
  it('coalesces wake-ups, from NOTIFY and from wakeSoon, into one call per listener per turn', async () => {
    const { pool, channel, listener } = setup();
    try {
      const calls = { a: 0, b: 0 };
      const a = listener.add(() => calls.a++);
      const b = listener.add(() => calls.b++);
      await Promise.all([a.ready, b.ready]);
      listener.wakeSoon();
      listener.wakeSoon();
      listener.wakeSoon();
      expect(calls).toEqual({ a: 0, b: 0 }); // never synchronously
      await nextTurn();
      expect(calls).toEqual({ a: 1, b: 1 });
      await pool.query('SELECT pg_notify($1, $2)', [channel, '']);
      await waitFor(() => calls.a === 2, 'the NOTIFY wake-up');
      expect(calls).toEqual({ a: 2, b: 2 });
      a();
      b();
    } finally {
      await listener.close();
      await pool.end();
    }
  });

  it('returns disposable subscriptions: a disposed one is not woken, and stopping twice is harmless', async () => {
    const { pool, listener } = setup();
    try {
      let kept = 0;
      let disposedCalls = 0;
      const keep = listener.add(() => kept++);
      {
        using disposed = listener.add(() => disposedCalls++);
        await disposed.ready;
      }
      listener.wakeSoon();
      await nextTurn();
      expect([kept, disposedCalls]).toEqual([1, 0]);
      // The same function added twice is two subscriptions: each stop removes one.
      let twice = 0;
      const count = () => twice++;
      const first = listener.add(count);
      const second = listener.add(count);
      first();
      first();
      listener.wakeSoon();
      await nextTurn();
      expect(twice).toBe(1);
      await second[Symbol.asyncDispose]();
      listener.wakeSoon();
      await nextTurn();
      expect(twice).toBe(1);
      keep();
    } finally {
      await listener.close();
      await pool.end();
    }
  });

  it('holds one LISTEN connection from the first listener to the last', async () => {
    const { pool, name, listener } = setup();
    try {
      expect(await connections(pool, name)).toBe(0);
      const one = listener.add(() => undefined);
      const two = listener.add(() => undefined);
      await Promise.all([one.ready, two.ready]);
      expect(await connections(pool, name)).toBe(1);
      one();
      expect(await connections(pool, name)).toBe(1);
      two();
      await waitFor(async () => (await connections(pool, name)) === 0, 'the connection to close');
      const three = listener.add(() => undefined);
      await three.ready;
      expect(await connections(pool, name)).toBe(1);
      three();
    } finally {
      await listener.close();
      await pool.end();
    }
  });

  it('closes with await using: the connection ends and later listeners are inert', async () => {
    const { pool, name, listener: created } = setup();
    let calls = 0;
    try {
      {
        await using listener = created;
        await listener.add(() => calls++).ready;
        expect(await connections(pool, name)).toBe(1);
      }
      await waitFor(async () => (await connections(pool, name)) === 0, 'the connection to close');
      const late = created.add(() => calls++);
      await late.ready; // resolves at once after close
      created.wakeSoon();
      await nextTurn();
      expect(calls).toBe(0);
      expect(await connections(pool, name)).toBe(0);
    } finally {
      await pool.end();
    }
  });
});
