/**
 * Conditional appends racing on one SQLite file: several connections of one
 * process, and several processes. The condition is checked inside the
 * writer's `BEGIN IMMEDIATE` transaction, so exactly one of the writers
 * deciding on the same read wins.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AppendConditionError, type EventQuery } from '../../src/index.js';
import { prepareAppend } from '../../src/core/append-input.js';
import { normalizeEventQuery } from '../../src/core/event-query.js';
import { sequencePosition } from '../../src/core/position.js';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { SqliteDriver } from '../../src/stores/sqlite/sqlite-driver.js';
import { createTempDir } from './support/temp-dir.js';
import { fixture, runScript } from './support/run-script.js';

const dir = createTempDir();
afterAll(() => dir.remove());

const username = (name: string): EventQuery => ({
  items: [{ types: ['UserRegistered'], tags: [`username:${name}`] }],
});

/** Opens `count` stores (one connection each) on one new file. */
function openStores(count: number): { file: string; stores: SqliteEventStore[] } {
  const file = dir.file();
  const stores = Array.from(
    { length: count },
    () => new SqliteEventStore(file, { busyTimeout: 10_000 }),
  );
  return { file, stores };
}

/** Every store reads `query`, then all append on the condition of their own read at once. */
async function race(stores: SqliteEventStore[], query: EventQuery, tag: string) {
  const reads = await Promise.all(stores.map((s) => s.readByQuery(query)));
  return Promise.allSettled(
    stores.map((s, i) =>
      s.append(`user-${tag}-${i}`, [{ type: 'UserRegistered', data: { i }, tags: [tag] }], {
        condition: { failIfEventsMatch: query, after: reads[i]?.position },
      }),
    ),
  );
}

describe('SQLite conditional appends racing on one file', () => {
  it('two connections with overlapping conditions: exactly one wins, the other gets AppendConditionError', async () => {
    const { stores } = openStores(2);
    try {
      for (let round = 0; round < 10; round++) {
        const outcomes = await race(stores, username(`u${round}`), `username:u${round}`);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const [lost] = outcomes.filter((o) => o.status === 'rejected');
        expect(AppendConditionError.is(lost?.reason)).toBe(true);
      }
      const all = await stores[1]?.readByQuery({ items: [{ types: ['UserRegistered'] }] });
      expect(all?.events).toHaveLength(10);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('16 connections on one condition: one winner per round; on disjoint tags: all win', async () => {
    const { stores } = openStores(16);
    try {
      for (let round = 0; round < 5; round++) {
        const outcomes = await race(stores, username(`x${round}`), `username:x${round}`);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes.filter((x) => x.status === 'rejected'))
          expect(AppendConditionError.is(o.reason)).toBe(true);
      }
      const reads = await Promise.all(stores.map((s, i) => s.readByQuery(username(`own${i}`))));
      const disjoint = await Promise.allSettled(
        stores.map((s, i) =>
          s.append(`own-${i}`, [{ type: 'UserRegistered', data: {}, tags: [`username:own${i}`] }], {
            condition: { failIfEventsMatch: username(`own${i}`), after: reads[i]?.position },
          }),
        ),
      );
      expect(disjoint.map((o) => o.status)).toEqual(Array(16).fill('fulfilled'));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('a grouped commit sees what another connection committed since the read', async () => {
    const { file, stores } = openStores(1);
    const [store] = stores as [SqliteEventStore];
    const db = new Database(file);
    const driver = new SqliteDriver(db, true, undefined);
    try {
      const read = await store.readByQuery(username('ann'));
      await store.append('other', [{ type: 'UserRegistered', data: {}, tags: ['username:ann'] }]);
      const condition = (name: string) => ({
        query: normalizeEventQuery(username(name), 'query'),
        after: read.position === undefined ? undefined : Number(read.position),
        position: read.position,
      });
      const unit = async (streamId: string, name: string) => ({
        entries: [
          await prepareAppend(
            streamId,
            [{ type: 'UserRegistered', data: {}, tags: [`username:${name}`] }],
            {},
            {},
          ),
        ],
        condition: condition(name),
      });
      const outcomes = driver.commit([
        await unit('g-1', 'ann'), // taken by the other connection
        await unit('g-2', 'bob'),
        await unit('g-3', 'bob'), // taken by g-2 in this commit
        await unit('g-4', 'cy'),
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, true, false, true]);
      const seen = await store.readByQuery({ items: [{ types: ['UserRegistered'] }] });
      expect(seen.events.map((e) => e.streamId)).toEqual(['other', 'g-2', 'g-4']);
      expect(seen.position).toBe(sequencePosition(3));
    } finally {
      await driver.close();
      await store.close();
    }
  });

  it('processes claiming the same seats: each seat is claimed exactly once', async () => {
    const file = dir.file();
    await new SqliteEventStore(file).close(); // the schema exists before the race
    const workers = 4;
    const seats = 40;
    const startAt = String(Date.now() + 2_500);
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) =>
        runScript(fixture('condition-worker.ts'), [file, String(w), String(seats), startAt]),
      ),
    );
    for (const result of results) expect(result.stderr).toBe('');
    for (const result of results) expect(result.code).toBe(0);
    const reports = results.map(
      (r) => JSON.parse(r.stdout) as { won: number[]; conditionFailures: number },
    );
    const won = reports.flatMap((r) => r.won).sort((a, b) => a - b);
    expect(won).toEqual(Array.from({ length: seats }, (_, i) => i));

    await using store = new SqliteEventStore(file);
    for (let seat = 0; seat < seats; seat++) {
      const claims = await store.readByQuery({
        items: [{ types: ['SeatClaimed'], tags: [`seat:${seat}`] }],
      });
      expect(claims.events, `seat ${seat}`).toHaveLength(1);
    }
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT count(*) FROM eventfold_event_tags').pluck().get()).toBe(seats * 2);
    db.close();
  });
});
