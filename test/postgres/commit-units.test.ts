/**
 * The PostgreSQL driver's `commit` of several units in one call: units decided
 * in order (a later unit sees the versions, ids and new events of earlier
 * ones), each all-or-nothing, and the lock keys of large writes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  AppendConditionError,
  ConcurrencyError,
  EventIdConflictError,
  type AppendResult,
  type NewEvent,
} from '../../src/index.js';
import type { WriteOutcome } from '../../src/stores/kernel/event-store-driver.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import type { PostgresDriver } from '../../src/stores/postgres/postgres-driver.js';
import { MAX_EVENT_LOCK_KEYS } from '../../src/stores/postgres/sql/commit-events.js';
import { uniqueName, useTestDatabase } from '../support/postgres-test-database.js';
import {
  beginHeldCommit,
  openDriver,
  rawClient,
  sleep,
  unitOf,
  waitingBackend,
} from './helpers.js';

const database = useTestDatabase('commit_units');
const drivers: PostgresDriver[] = [];
afterAll(async () => {
  await Promise.all(drivers.map((driver) => driver.close()));
});

function driverOf(schema: string): PostgresDriver {
  const driver = openDriver(database().url, schema);
  drivers.push(driver);
  return driver;
}

function results(outcome: WriteOutcome | undefined): readonly AppendResult[] {
  if (outcome?.ok !== true)
    throw new Error(`expected a written unit, got ${JSON.stringify(outcome)}`);
  return outcome.results;
}

function failure(outcome: WriteOutcome | undefined): unknown {
  if (outcome?.ok !== false) throw new Error('expected a refused unit');
  return outcome.error;
}

const ev = (type: string, tags: string[] = [], id?: string): NewEvent =>
  id === undefined ? { type, data: {}, tags } : { type, data: {}, tags, id };

describe('PostgreSQL commit of several units in one call', () => {
  it('decides units in order: later units see earlier versions, a failing unit is left out alone', async () => {
    const schema = uniqueName('order');
    const driver = driverOf(schema);
    const outcomes = await driver.commit([
      await unitOf([{ streamId: 'S-1', events: [ev('A'), ev('B')], expectedVersion: 0 }]),
      await unitOf([{ streamId: 'S-1', events: [ev('C')], expectedVersion: 2 }]),
      await unitOf([
        { streamId: 'S-2', events: [ev('D')] },
        { streamId: 'S-1', events: [ev('E')], expectedVersion: 2 },
      ]),
      await unitOf([
        { streamId: 'S-3', events: [ev('F')], expectedVersion: 'no_stream' },
        { streamId: 'S-1', events: [ev('G')], expectedVersion: 3 },
      ]),
    ]);
    expect(outcomes).toHaveLength(4);
    const [first, second, third, fourth] = outcomes;
    expect(results(first).map((r) => [r.streamId, r.version])).toEqual([['S-1', 2]]);
    expect(results(second).map((r) => [r.streamId, r.version])).toEqual([['S-1', 3]]);
    const conflict = failure(third) as ConcurrencyError;
    expect(ConcurrencyError.is(conflict)).toBe(true);
    expect([conflict.streamId, conflict.expectedVersion, conflict.actualVersion]).toEqual([
      'S-1',
      2,
      3,
    ]);
    expect(results(fourth).map((r) => [r.streamId, r.version])).toEqual([
      ['S-3', 1],
      ['S-1', 4],
    ]);
    // One transaction: every written event has the same xid; the refused unit wrote nothing.
    const stream = await driver.readStream('S-1', {
      from: undefined,
      backward: false,
      limit: Number.POSITIVE_INFINITY,
      mustExist: false,
    });
    const events = await stream.events;
    expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'G']);
    expect(stream.version).toBe(4);
    expect(await driver.streamVersion('S-2')).toBe(0);
    expect(new Set(events.map((e) => e.position.split(':')[0])).size).toBe(1);
    expect(results(fourth)[1]?.position).toBe(events.at(-1)?.position);
  });

  it("checks a condition against earlier units' new events, counting only units written", async () => {
    const schema = uniqueName('cond');
    const driver = driverOf(schema);
    const query = { items: [{ types: ['Booked'], tags: ['room:1'] }] };
    const outcomes = await driver.commit([
      // Refused (version), so its matching event does not count for the next unit.
      await unitOf([{ streamId: 'R-0', events: [ev('Booked', ['room:1'])], expectedVersion: 5 }]),
      await unitOf([{ streamId: 'R-1', events: [ev('Booked', ['room:1', 'x'])] }], {
        failIfEventsMatch: query,
      }),
      await unitOf([{ streamId: 'R-2', events: [ev('Booked', ['room:1'])] }], {
        failIfEventsMatch: query,
      }),
      // Another tag, another type: not matching, so it is written.
      await unitOf([{ streamId: 'R-3', events: [ev('Booked', ['room:2'])] }], {
        failIfEventsMatch: { items: [{ tags: ['room:2'] }, { types: ['Cancelled'] }] },
      }),
    ]);
    expect(ConcurrencyError.is(failure(outcomes[0]))).toBe(true);
    expect(results(outcomes[1])).toHaveLength(1);
    const refused = failure(outcomes[2]) as AppendConditionError;
    expect(AppendConditionError.is(refused)).toBe(true);
    expect(refused.streamIds).toEqual(['R-2']);
    expect(refused.after).toBeUndefined();
    expect(results(outcomes[3])).toHaveLength(1);
    expect(await driver.streamVersion('R-2')).toBe(0);
    const read = await driver.readByQuery(query, undefined, undefined);
    expect(read.events.map((e) => [e.streamId, e.tags])).toEqual([['R-1', ['room:1', 'x']]]);
  });

  it('returns tags on every read path, [] when none', async () => {
    const schema = uniqueName('tags');
    const store = await PostgresEventStore.connect({ connectionString: database().url, schema });
    try {
      await store.append('Tag-1', [ev('A', ['b', 'a']), ev('B')]);
      await store.append('Other-1', [ev('C', ['c'])]);
      const expected = [
        ['A', ['b', 'a']],
        ['B', []],
      ];
      const pairs = (events: readonly { type: string; tags: readonly string[] }[]) =>
        events.map((e) => [e.type, e.tags]);
      expect(pairs((await store.read('Tag-1')).events)).toEqual(expected);
      expect(pairs((await store.read('Tag-1', { direction: 'backward' })).events)).toEqual(
        [...expected].reverse(),
      );
      expect(pairs((await store.readAllPage()).events)).toEqual([...expected, ['C', ['c']]]);
      // One type: its index; two types: the merged branches; categories: theirs.
      expect(pairs((await store.readAllPage({ types: ['A'] })).events)).toEqual([expected[0]]);
      expect(pairs((await store.readAllPage({ types: ['A', 'C'] })).events)).toEqual([
        expected[0],
        ['C', ['c']],
      ]);
      expect(pairs((await store.readAllPage({ categories: ['Tag', 'Other'] })).events)).toEqual([
        ...expected,
        ['C', ['c']],
      ]);
      expect(pairs((await store.readByQuery({ items: [{ tags: ['a'] }] })).events)).toEqual([
        expected[0],
      ]);
    } finally {
      await store.close();
    }
  });

  it('replays a unit whose ids are stored, refuses a partial replay, and sees ids of earlier units', async () => {
    const schema = uniqueName('ids');
    const driver = driverOf(schema);
    const a = '0190a6e2-0000-7000-8000-00000000000a';
    const b = '0190a6e2-0000-7000-8000-00000000000b';
    const c = '0190a6e2-0000-7000-8000-00000000000c';
    const [original] = await driver.commit([
      await unitOf([
        { streamId: 'I-1', events: [ev('A', [], a)], expectedVersion: 0 },
        { streamId: 'I-2', events: [ev('B', [], b)], expectedVersion: 0 },
      ]),
    ]);
    const originalResults = results(original);
    const outcomes = await driver.commit([
      // The same call again: a replay, whatever the versions are now.
      await unitOf([
        { streamId: 'I-1', events: [ev('A', [], a)], expectedVersion: 0 },
        { streamId: 'I-2', events: [ev('B', [], b)], expectedVersion: 0 },
      ]),
      // One entry stored, one new: refused whole.
      await unitOf([
        { streamId: 'I-1', events: [ev('A', [], a)], expectedVersion: 0 },
        { streamId: 'I-3', events: [ev('C', [], c)] },
      ]),
      // A new id, then the same id again in a later unit of the same commit: a replay of it.
      await unitOf([{ streamId: 'I-4', events: [ev('C', [], c)], expectedVersion: 0 }]),
      await unitOf([{ streamId: 'I-4', events: [ev('C', [], c)], expectedVersion: 0 }]),
    ]);
    expect(results(outcomes[0])).toEqual(originalResults);
    const conflict = failure(outcomes[1]) as EventIdConflictError;
    expect(EventIdConflictError.is(conflict)).toBe(true);
    expect(conflict.conflictingIds).toEqual([a]);
    const written = results(outcomes[2]);
    expect(written.map((r) => [r.streamId, r.version])).toEqual([['I-4', 1]]);
    expect(results(outcomes[3])).toEqual(written);
    expect(await driver.streamVersion('I-3')).toBe(0);
    expect(await driver.streamVersion('I-4')).toBe(1);
  });

  it(`a write of more than ${MAX_EVENT_LOCK_KEYS} tags takes the conditions key instead, and still blocks a condition`, async () => {
    const schema = uniqueName('many');
    const store = await PostgresEventStore.connect({ connectionString: database().url, schema });
    const holder = await rawClient(database().url);
    try {
      const tags = Array.from({ length: 500 }, (_, i) => `tag:${i}`);
      const unit = await unitOf([
        { streamId: 'Many-1', events: tags.map((tag) => ev('Tagged', [tag])) },
      ]);
      // The held transaction holds few locks: the tags' keys were replaced by one.
      const rows = await beginHeldCommit(holder, schema, [unit]);
      expect(rows.some((r) => r.o_status === 'ok')).toBe(true);
      const { rows: locks } = await holder.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
      );
      expect(Number(locks[0]?.n)).toBeLessThan(10);
      // A condition on one of those tags waits for it, then sees its event.
      const query = { items: [{ tags: ['tag:321'] }] };
      const read = await store.readByQuery(query);
      const conditional = store
        .append('Other-1', [ev('Other')], {
          condition: { failIfEventsMatch: query, after: read.position },
        })
        .then(
          () => 'written',
          (error: unknown) => (AppendConditionError.is(error) ? 'refused' : error),
        );
      await waitingBackend(store.pool, database().name, '%commit_events%');
      await sleep(50);
      await holder.query('COMMIT');
      expect(await conditional).toBe('refused');
      const after = await store.readByQuery(query);
      expect(after.events.map((e) => e.streamId)).toEqual(['Many-1']);
      expect(after.events[0]?.tags).toEqual(['tag:321']);
    } finally {
      await holder.end();
      await store.close();
    }
  });
});
