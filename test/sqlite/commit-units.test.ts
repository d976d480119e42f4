/**
 * The SQLite driver's `commit(units)`: one `BEGIN IMMEDIATE … COMMIT` for
 * many units, each checked on its own, later units seeing earlier ones.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AppendConditionError,
  ConcurrencyError,
  DatabaseError,
  EventIdConflictError,
} from '../../src/index.js';
import { prepareAppend, prepareAppendMany } from '../../src/core/append-input.js';
import { normalizeEventQuery, type EventQuery } from '../../src/core/event-query.js';
import type { NewEvent } from '../../src/core/events.js';
import type { ExpectedVersion } from '../../src/core/expected-version.js';
import type { WriteOutcome, WriteUnit } from '../../src/stores/kernel/event-store-driver.js';
import { migrate } from '../../src/stores/sqlite/migrate.js';
import { SqliteDriver } from '../../src/stores/sqlite/sqlite-driver.js';
import { sequencePosition } from '../../src/core/position.js';

let db: Database.Database;
let driver: SqliteDriver;
afterEach(async () => driver.close());

function open(): SqliteDriver {
  db = new Database(':memory:');
  migrate(db);
  driver = new SqliteDriver(db, true, undefined);
  return driver;
}

const ev = (type: string, tags?: string[], id?: string): NewEvent => ({
  type,
  data: { type },
  ...(tags === undefined ? {} : { tags }),
  ...(id === undefined ? {} : { id }),
});

interface Condition {
  query: EventQuery;
  after?: number;
}

async function unit(
  streamId: string,
  events: NewEvent[],
  expectedVersion: ExpectedVersion = 'any',
  condition?: Condition,
): Promise<WriteUnit<number>> {
  const prepared = await prepareAppend(streamId, events, { expectedVersion }, {});
  return { entries: [prepared], condition: decoded(condition) };
}

async function many(
  entries: { streamId: string; events: NewEvent[]; expectedVersion?: ExpectedVersion }[],
  condition?: Condition,
): Promise<WriteUnit<number>> {
  const prepared = await prepareAppendMany(entries, undefined, {});
  return { entries: prepared.entries, condition: decoded(condition) };
}

function decoded(condition: Condition | undefined): WriteUnit<number>['condition'] {
  if (condition === undefined) return undefined;
  return {
    query: normalizeEventQuery(condition.query, 'condition'),
    after: condition.after,
    position: condition.after === undefined ? undefined : sequencePosition(condition.after),
  };
}

function errorOf(outcome: WriteOutcome | undefined): unknown {
  if (outcome === undefined || outcome.ok) throw new Error('expected a failed outcome');
  return outcome.error;
}

const count = () => db.prepare('SELECT count(*) FROM eventfold_events').pluck().get();
const streamOf = (id: string) =>
  db
    .prepare('SELECT version, type FROM eventfold_events WHERE stream_id = ? ORDER BY version')
    .raw()
    .all(id);

describe('SqliteDriver.commit', () => {
  it('writes units in order, a later unit seeing the versions of earlier ones, and leaves a failing unit out', async () => {
    open();
    const outcomes = driver.commit([
      await unit('s-1', [ev('A')], 'no_stream'),
      await unit('s-1', [ev('B'), ev('C')], 1),
      await unit('s-1', [ev('X')], 1), // stale: the stream is at 3 now
      await unit('s-2', [ev('D')], 0),
      await unit('s-1', [ev('E')], 3),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true, true]);
    const conflict = errorOf(outcomes[2]);
    expect(conflict).toBeInstanceOf(ConcurrencyError);
    expect(conflict).toMatchObject({ streamId: 's-1', actualVersion: 3, expectedVersion: 1 });
    expect(outcomes[1]).toEqual({
      ok: true,
      results: [{ streamId: 's-1', version: 3, position: expect.any(String) as unknown }],
    });
    expect(streamOf('s-1')).toEqual([
      [1, 'A'],
      [2, 'B'],
      [3, 'C'],
      [4, 'E'],
    ]);
    expect(streamOf('s-2')).toEqual([[1, 'D']]);
  });

  it('writes an appendMany unit whole or not at all', async () => {
    open();
    const outcomes = driver.commit([
      await unit('a-1', [ev('A')]),
      await many([
        { streamId: 'b-1', events: [ev('B')] },
        { streamId: 'a-1', events: [ev('A2')], expectedVersion: 0 }, // a-1 is at 1
      ]),
      await many([
        { streamId: 'b-1', events: [ev('B')], expectedVersion: 'no_stream' },
        { streamId: 'a-1', events: [ev('A2')], expectedVersion: 1 },
      ]),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(errorOf(outcomes[1])).toMatchObject({ streamId: 'a-1', actualVersion: 1 });
    expect(streamOf('b-1')).toEqual([[1, 'B']]);
    expect(streamOf('a-1')).toEqual([
      [1, 'A'],
      [2, 'A2'],
    ]);
    const results = outcomes[2]?.ok === true ? outcomes[2].results : [];
    expect(results.map((r) => [r.streamId, r.version])).toEqual([
      ['b-1', 1],
      ['a-1', 2],
    ]);
  });

  it('checks a condition against committed events and those of earlier units of the same commit', async () => {
    open();
    driver.commit([await unit('u-0', [ev('Old', ['user:zoe'])])]);
    const head = Number(driver.headPosition());
    const taken = {
      query: { items: [{ types: ['Registered'], tags: ['user:ann'] }] },
      after: head,
    };
    const outcomes = driver.commit([
      await unit('u-1', [ev('Registered', ['user:ann'])], 'any', taken),
      await unit('u-2', [ev('Registered', ['user:ann'])], 'any', taken), // sees u-1
      await unit('u-3', [ev('Registered', ['user:bob'])], 'any', {
        query: { items: [{ tags: ['user:bob'] }] },
        after: head,
      }),
      await unit('u-4', [ev('Registered', ['user:zoe'])], 'any', {
        query: { items: [{ tags: ['user:zoe'] }] }, // u-0 was before `after`: no conflict
        after: head,
      }),
      await unit('u-5', [ev('X')], 'any', { query: { items: [{ tags: ['user:zoe'] }] } }),
    ]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, false]);
    const error = errorOf(outcomes[1]);
    expect(error).toBeInstanceOf(AppendConditionError);
    expect(error).toMatchObject({ streamIds: ['u-2'], after: sequencePosition(head) });
    expect(errorOf(outcomes[4])).toMatchObject({ streamIds: ['u-5'], after: undefined });
    expect(count()).toBe(4);
  });

  it('checks versions before the condition and writes nothing of a unit failing either', async () => {
    open();
    driver.commit([await unit('c-1', [ev('A', ['t'])])]);
    const [outcome] = driver.commit([
      await many(
        [
          { streamId: 'c-2', events: [ev('B', ['t'])] },
          { streamId: 'c-1', events: [ev('C')], expectedVersion: 5 },
        ],
        { query: { items: [{ tags: ['t'] }] } },
      ),
    ]);
    expect(errorOf(outcome)).toBeInstanceOf(ConcurrencyError);
    expect(errorOf(outcome)).not.toBeInstanceOf(AppendConditionError);
    const [second] = driver.commit([
      await many([{ streamId: 'c-2', events: [ev('B', ['t'])] }], {
        query: { items: [{ tags: ['t'] }] },
      }),
    ]);
    expect(errorOf(second)).toMatchObject({ streamIds: ['c-2'] });
    expect(count()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM eventfold_event_tags').pluck().get()).toBe(1);
  });

  it('returns the original results of a replayed unit without writing or checking its condition', async () => {
    open();
    const ids = [
      '0190f000-0000-7000-8000-00000000000a',
      '0190f000-0000-7000-8000-00000000000b',
      '0190f000-0000-7000-8000-00000000000c',
    ] as const;
    const entries = [
      { streamId: 'r-1', events: [ev('A', ['t'], ids[0])], expectedVersion: 0 },
      { streamId: 'r-2', events: [ev('B', ['t'], ids[1])], expectedVersion: 0 },
    ];
    const condition = { query: { items: [{ tags: ['t'] }] } };
    const [first] = driver.commit([await many(entries, condition)]);
    expect(first?.ok).toBe(true);
    const outcomes = driver.commit([
      await many(entries, condition), // a retry: the condition would fail now
      await many([
        entries[0] as (typeof entries)[0],
        { streamId: 'r-3', events: [ev('C', [], ids[2])] },
      ]),
    ]);
    expect(outcomes[0]).toEqual(first);
    const mixed = errorOf(outcomes[1]);
    expect(mixed).toBeInstanceOf(EventIdConflictError);
    expect(mixed).toMatchObject({ streamId: 'r-1', conflictingIds: [ids[0]] });
    expect(count()).toBe(2);
  });

  it('rolls the whole commit back and throws when the database fails in one unit', async () => {
    open();
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON eventfold_events WHEN NEW.type = 'Boom'
      BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const units = [
      await unit('d-1', [ev('A', ['t'])]),
      await unit('d-2', [ev('Boom')]),
      await unit('d-3', [ev('C')]),
    ];
    let heard = 0;
    driver.onAppended(() => heard++);
    expect(() => driver.commit(units)).toThrow(DatabaseError);
    expect(() => driver.commit(units)).toThrow(/appending to streams "d-1", "d-2", "d-3".*boom/);
    expect(count()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM eventfold_event_tags').pluck().get()).toBe(0);
    expect(db.inTransaction).toBe(false);
    expect(driver.commit([await unit('d-1', [ev('A')])]).map((o) => o.ok)).toEqual([true]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(heard).toBe(1);
  });

  it('stores tags once per event in the tag table and as JSON on the event, NULL when none', async () => {
    open();
    driver.commit([await unit('t-1', [ev('A', ['b', 'a', 'b']), ev('B'), ev('C', ['a'])])]);
    expect(db.prepare('SELECT tags FROM eventfold_events ORDER BY position').pluck().all()).toEqual(
      ['["b","a"]', null, '["a"]'],
    );
    expect(
      db
        .prepare('SELECT tag, position FROM eventfold_event_tags ORDER BY tag, position')
        .raw()
        .all(),
    ).toEqual([
      ['a', 1],
      ['a', 3],
      ['b', 1],
    ]);
  });
});
