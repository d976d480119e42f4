import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { parseSnapshot, postgresFeedEnd } from '../../src/stores/postgres/feed-end.js';
import { postgresPositions } from '../../src/stores/postgres/postgres-driver.js';
import { encodePosition } from '../../src/core/position.js';
import { subscribe } from '../../src/subscriptions/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import { within } from '../support/wait.js';
import { beginHeldAppend, event, rawClient } from './helpers.js';

const database = useTestDatabase('from_end');

describe('the PostgreSQL feed end', () => {
  it('skips exactly the transactions its snapshot saw committed: below xmax and not in progress', () => {
    expect(parseSnapshot('10:20:12,15')).toEqual({
      xmin: 10n,
      xmax: 20n,
      xip: new Set([12n, 15n]),
    });
    expect(parseSnapshot('7:7:')).toEqual({ xmin: 7n, xmax: 7n, xip: new Set() });
    expect(() => parseSnapshot('nonsense')).toThrow(DatabaseError);
    const end = postgresFeedEnd('10:20:12,15', '9', '40', postgresPositions);
    expect(end.position).toBe(encodePosition(9n, 40n));
    const skipped = (xid: bigint) => end.committedBefore?.(encodePosition(xid, 50n));
    expect([11n, 12n, 13n, 15n, 19n, 20n, 25n].map(skipped)).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(postgresFeedEnd('5:5:', null, null, postgresPositions).position).toBeUndefined();
  });
});

describe("a PostgreSQL subscription from 'end'", () => {
  it('skips events whose append resolved before it started, even above the feed horizon, and delivers the appends in flight', async () => {
    const schema = uniqueName('tail');
    await using store = await PostgresEventStore.connect({
      connectionString: database().url,
      schema,
    });
    const old = await rawClient(database().url);
    const inFlight = await rawClient(database().url);
    try {
      // An older transaction holding an xid keeps the feed's horizon below everything that follows.
      await old.query('BEGIN');
      await old.query('SELECT pg_current_xact_id()');
      await store.append('Task-A', [event('A')]); // resolved before the start: not "new"
      await beginHeldAppend(inFlight, schema, 'Task-C', [event('C')]); // not resolved at the start
      const seen: string[] = [];
      const sub = subscribe(store, {
        name: 'tail',
        from: 'end',
        handler: (e) => void seen.push(e.type),
      });
      await within(sub.caughtUp, 'caughtUp');
      const b = await store.append('Task-B', [event('B')]);
      await inFlight.query('COMMIT');
      await old.query('COMMIT');
      await within(sub.waitForPosition(b.position), 'the new events');
      const feed = (await store.readAll().toArray()).map((e) => e.type);
      expect(feed).toEqual(['A', 'C', 'B']);
      expect(seen).toEqual(['C', 'B']);
      // The skipped event is behind the checkpoint too.
      expect((await sub.status()).checkpoint).toBe(b.position);
      await sub.stop();
    } finally {
      await inFlight.end();
      await old.end();
    }
  });

  it('with nothing in flight, starts after the head as before', async () => {
    await using store = await PostgresEventStore.connect({
      connectionString: database().url,
      schema: uniqueName('tail'),
    });
    await store.append('Task-1', [event('Old')]);
    const seen: string[] = [];
    const sub = subscribe(store, {
      name: 'tail',
      from: 'end',
      handler: (e) => void seen.push(e.type),
    });
    await within(sub.caughtUp, 'caughtUp');
    const next = await store.append('Task-1', [event('New')]);
    await within(sub.waitForPosition(next.position), 'the new event');
    expect(seen).toEqual(['New']);
    await sub.stop();
  });
});
