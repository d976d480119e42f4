/**
 * Consistency conditions (DCB) on PostgreSQL across connections: racing
 * writers with overlapping conditions, 16 writers on one condition, disjoint
 * tags that never wait for each other, and the feed horizon.
 */
import { describe, expect, it } from 'vitest';
import {
  AppendConditionError,
  ConcurrencyError,
  type EventQuery,
  type NewEvent,
} from '../../src/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  beginHeldAppend,
  beginHeldCommit,
  rawClient,
  sleep,
  unitOf,
  waitingBackend,
} from './helpers.js';

const database = useTestDatabase('dcb');

async function openStore(schema: string, max = 4): Promise<PostgresEventStore> {
  return PostgresEventStore.connect({
    connectionString: database().url,
    schema,
    poolConfig: { max },
  });
}

function subscribed(course: string, student: string): NewEvent {
  return {
    type: 'StudentSubscribed',
    data: { course, student },
    tags: [`course:${course}`, `student:${student}`],
  };
}

/** 'written', 'refused' (an AppendConditionError), or the unexpected error. */
function settle(write: Promise<unknown>): Promise<unknown> {
  return write.then(
    () => 'written',
    (error: unknown) => (AppendConditionError.is(error) ? 'refused' : error),
  );
}

describe('PostgreSQL append conditions across connections', () => {
  it('two stores with overlapping conditions: exactly one of each race wins', async () => {
    const schema = uniqueName('pair');
    const [a, b] = [await openStore(schema), await openStore(schema)];
    try {
      for (let round = 0; round < 20; round++) {
        const course = `c${round}`;
        // A checks the course's subscriptions; B the course's and its student's.
        const queryA: EventQuery = {
          items: [{ types: ['StudentSubscribed'], tags: [`course:${course}`] }],
        };
        const queryB: EventQuery = {
          items: [
            { tags: [`student:b${round}`] },
            { types: ['StudentSubscribed'], tags: [`course:${course}`] },
          ],
        };
        const [readA, readB] = await Promise.all([a.readByQuery(queryA), b.readByQuery(queryB)]);
        expect(readA.events).toEqual([]);
        const outcomes = await Promise.all([
          settle(
            a.append(`Sub-a${round}`, [subscribed(course, `a${round}`)], {
              condition: { failIfEventsMatch: queryA, after: readA.position },
            }),
          ),
          settle(
            b.append(`Sub-b${round}`, [subscribed(course, `b${round}`)], {
              condition: { failIfEventsMatch: queryB, after: readB.position },
            }),
          ),
        ]);
        expect(outcomes.sort()).toEqual(['refused', 'written']);
        expect((await a.readByQuery(queryA)).events).toHaveLength(1);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('16 concurrent conditional writers on one condition: one wins, the rest are refused', async () => {
    const schema = uniqueName('sixteen');
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(schema, 4)));
    try {
      for (let round = 0; round < 5; round++) {
        const query: EventQuery = { items: [{ tags: [`seat:${round}`] }] };
        const { position } = await (stores[0] as PostgresEventStore).readByQuery(query);
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, w) =>
            settle(
              (stores[w % 4] as PostgresEventStore).append(
                `Seat-${round}-${w}`,
                [{ type: 'SeatTaken', data: { w }, tags: [`seat:${round}`] }],
                { condition: { failIfEventsMatch: query, after: position } },
              ),
            ),
          ),
        );
        expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'refused')).toHaveLength(15);
        const read = await (stores[1] as PostgresEventStore).readByQuery(query);
        expect(read.events).toHaveLength(1);
        // The position after the read makes the next decision: nothing new, so it passes.
        const next = await (stores[2] as PostgresEventStore).append(
          `Seat-${round}-next`,
          [{ type: 'SeatReleased', data: {} }],
          { condition: { failIfEventsMatch: query, after: read.position } },
        );
        expect(next.version).toBe(1);
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('disjoint tags never wait: both commit while a third transaction holds another tag', async () => {
    const schema = uniqueName('disjoint');
    const [a, b] = [await openStore(schema), await openStore(schema)];
    const holder = await rawClient(database().url);
    try {
      const held: EventQuery = { items: [{ tags: ['held'] }] };
      const rows = await beginHeldCommit(holder, schema, [
        await unitOf([{ streamId: 'Held-1', events: [{ type: 'T', data: {}, tags: ['held'] }] }], {
          failIfEventsMatch: held,
        }),
      ]);
      expect(rows.find((r) => r.o_kind === 'unit')?.o_status).toBe('ok');
      const started = Date.now();
      const [x, y] = await Promise.all(
        (['x', 'y'] as const).map((tag, i) =>
          settle(
            (i === 0 ? a : b).append(`Free-${tag}`, [{ type: 'T', data: {}, tags: [tag] }], {
              condition: { failIfEventsMatch: { items: [{ tags: [tag] }] } },
            }),
          ),
        ),
      );
      expect([x, y]).toEqual(['written', 'written']);
      expect(Date.now() - started).toBeLessThan(5000);
      // A writer of the held tag waits for the holder, and then sees its event.
      const blocked = settle(
        a.append('Wait-1', [{ type: 'T', data: {}, tags: ['held'] }], {
          condition: { failIfEventsMatch: held },
        }),
      );
      await waitingBackend(a.pool, database().name, '%commit_events%');
      await sleep(30);
      await holder.query('COMMIT');
      expect(await blocked).toBe('refused');
    } finally {
      await holder.end();
      await a.close();
      await b.close();
    }
  });

  it('a condition with an item without tags, or no items, waits for any writer in flight', async () => {
    const schema = uniqueName('typeonly');
    const store = await openStore(schema);
    const holder = await rawClient(database().url);
    try {
      const cases: [EventQuery, 'commit_events' | 'append_events'][] = [
        [{ items: [{ types: ['Closed'] }] }, 'commit_events'],
        [{ items: [] }, 'commit_events'],
        // A writer of a release before tags (append_events) during a rolling upgrade.
        [{ items: [{ types: ['Closed'] }] }, 'append_events'],
      ];
      for (const [n, [query, writer]] of cases.entries()) {
        const { position } = await store.readByQuery(query);
        // An untagged writer of another stream, in flight: it takes no key a tag would name.
        if (writer === 'commit_events') {
          await beginHeldCommit(holder, schema, [
            await unitOf([{ streamId: `Close-${n}`, events: [{ type: 'Closed', data: {} }] }]),
          ]);
        } else {
          await beginHeldAppend(holder, schema, `Close-${n}`, [{ type: 'Closed', data: {} }]);
        }
        const blocked = settle(
          store.append(`Decide-${n}`, [{ type: 'Decided', data: {} }], {
            condition: { failIfEventsMatch: query, after: position },
          }),
        );
        await waitingBackend(store.pool, database().name, '%commit_events%');
        await sleep(30);
        await holder.query('COMMIT');
        expect(await blocked).toBe('refused');
      }
      // Readers are not blocked by such a condition's lock.
      expect((await store.readByQuery({ items: [{ types: ['Closed'] }] })).events).toHaveLength(3);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('an event committed but held above the horizon at read time still fails the condition', async () => {
    const schema = uniqueName('horizon');
    const store = await openStore(schema);
    const holder = await rawClient(database().url);
    try {
      const query: EventQuery = { items: [{ types: ['Reserved'], tags: ['slot:1'] }] };
      await store.append('Other-1', [{ type: 'Noise', data: {} }]);
      // An older transaction with an xid holds the horizon; a matching event commits after it.
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()');
      const hidden = await store.append('Slot-1', [
        { type: 'Reserved', data: {}, tags: ['slot:1'] },
      ]);
      const read = await store.readByQuery(query);
      expect(read.events).toEqual([]);
      expect(read.position).toBeDefined();
      expect((read.position as string) < hidden.position).toBe(true);
      const refused = await settle(
        store.append('Slot-2', [{ type: 'Reserved', data: {}, tags: ['slot:1'] }], {
          condition: { failIfEventsMatch: query, after: read.position },
        }),
      );
      expect(refused).toBe('refused');
      await holder.query('ROLLBACK');
      const visible = await store.readByQuery(query);
      expect(visible.events.map((e) => e.position)).toEqual([hidden.position]);
      expect(visible.position).toBe(hidden.position);
      // Read with a limit that cuts it short: the position is the last event returned.
      await store.append('Slot-3', [{ type: 'Reserved', data: {}, tags: ['slot:1'] }]);
      const cut = await store.readByQuery(query, { limit: 1 });
      expect(cut.position).toBe(hidden.position);
    } finally {
      await holder.end();
      await store.close();
    }
  });

  it('a condition together with an expected version: either failing writes nothing', async () => {
    const schema = uniqueName('both');
    const store = await openStore(schema);
    try {
      const query: EventQuery = { items: [{ tags: ['k'] }] };
      await store.append('Both-1', [{ type: 'A', data: {} }]);
      const stale = store.append('Both-1', [{ type: 'B', data: {}, tags: ['k'] }], {
        expectedVersion: 0,
        condition: { failIfEventsMatch: query },
      });
      await expect(stale).rejects.toSatisfy((e: unknown) => ConcurrencyError.is(e));
      await store.append('Tag-1', [{ type: 'C', data: {}, tags: ['k'] }]);
      const conditioned = store.appendMany(
        [
          { streamId: 'Both-1', events: [{ type: 'B', data: {} }], expectedVersion: 1 },
          { streamId: 'Both-2', events: [{ type: 'B', data: {} }] },
        ],
        { condition: { failIfEventsMatch: query } },
      );
      const error = await conditioned.catch((e: unknown) => e);
      expect(AppendConditionError.is(error)).toBe(true);
      expect((error as AppendConditionError).streamIds).toEqual(['Both-1', 'Both-2']);
      expect(await store.getVersion('Both-1')).toBe(1);
      expect(await store.getVersion('Both-2')).toBe(0);
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL reads by query as prepared statements', () => {
  it('reads of one tagged shape stay right once the server switches to a generic plan', async () => {
    const store = await openStore(uniqueName('prepared'), 1);
    try {
      for (let n = 0; n < 12; n++)
        await store.append(`Course-${n}`, [
          { type: 'CourseDefined', data: { n }, tags: [`course:${n}`] },
          subscribed(String(n), 'a'),
        ]);
      // One connection runs every read: the same prepared statement, more than the five custom plans.
      for (let n = 0; n < 12; n++) {
        const query: EventQuery = {
          items: [
            { types: ['CourseDefined'], tags: [`course:${n}`] },
            { tags: [`course:${n}`, 'student:a'] },
          ],
        };
        const { events, position } = await store.readByQuery(query);
        expect(events.map((e) => [e.type, e.streamId])).toEqual([
          ['CourseDefined', `Course-${n}`],
          ['StudentSubscribed', `Course-${n}`],
        ]);
        expect((await store.readByQuery(query, { after: position })).events).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });

  it('prepares at most 64 shapes; reads of further shapes are planned each time and still right', async () => {
    const store = await openStore(uniqueName('shapes'), 1);
    try {
      await store.append('S', [
        { type: 'Tagged', data: {}, tags: Array.from({ length: 80 }, (_, i) => `t${i}`) },
      ]);
      // Shapes differ by how many items a query has: 1 … 80 items of one tag each.
      for (let size = 1; size <= 80; size++) {
        const items = Array.from({ length: size }, (_, i) => ({ tags: [`t${i}`] }));
        const { events } = await store.readByQuery({ items });
        expect(events.map((e) => e.type)).toEqual(['Tagged']);
      }
      const { rows } = await store.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'eventfold_q_%'",
      );
      // The pool's one connection ran every read: 64 shapes prepared, the other 16 planned each time.
      expect(rows[0]?.n).toBe(64);
    } finally {
      await store.close();
    }
  });
});
