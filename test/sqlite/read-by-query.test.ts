/**
 * `readByQuery` on SQLite against the one definition of a match
 * (`eventMatchesQuery`), its `position`, and conditions built on it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AppendConditionError, type EventQuery, type NewEvent } from '../../src/index.js';
import { eventMatchesQuery, normalizeEventQuery } from '../../src/core/event-query.js';
import { sequencePosition } from '../../src/core/position.js';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { createTempDir } from './support/temp-dir.js';

const dir = createTempDir();
afterAll(() => dir.remove());

/** A small deterministic generator, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const TYPES = Array.from({ length: 12 }, (_, i) => `T${i}`);
const TAGS = ['a', 'b', 'c', 'd', 'e'];

function pick<T>(next: () => number, list: readonly T[], max: number): T[] {
  const n = 1 + Math.floor(next() * max);
  return [...new Set(Array.from({ length: n }, () => list[Math.floor(next() * list.length)] as T))];
}

function randomQuery(next: () => number): EventQuery {
  const items = Array.from({ length: Math.floor(next() * 4) }, () => {
    const shape = next();
    if (shape < 0.3) return { types: pick(next, TYPES, 10) }; // sometimes past 8 types
    if (shape < 0.65) return { tags: pick(next, TAGS, 3) };
    return { types: pick(next, TYPES, 3), tags: pick(next, TAGS, 2) };
  });
  return { items };
}

describe('SQLite readByQuery', () => {
  it('returns exactly the events eventMatchesQuery accepts, in feed order, after `after`, up to `limit`', async () => {
    const next = random(13);
    await using store = new SqliteEventStore(dir.file());
    for (let i = 0; i < 60; i++) {
      const events: NewEvent[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
        type: TYPES[Math.floor(next() * TYPES.length)] as string,
        data: { i },
        tags: next() < 0.2 ? [] : pick(next, TAGS, 3),
      }));
      await store.append(`s-${i % 7}`, events);
    }
    const all = await store.readAll().toArray();
    const head = all.at(-1)?.position;
    for (let q = 0; q < 150; q++) {
      const query = randomQuery(next);
      const normalized = normalizeEventQuery(query, 'query');
      const after = next() < 0.5 ? undefined : all[Math.floor(next() * all.length)]?.position;
      const limit = next() < 0.5 ? undefined : 1 + Math.floor(next() * 10);
      const expected = all
        .filter((e) => after === undefined || e.position > after)
        .filter((e) => eventMatchesQuery(normalized, e.type, e.tags));
      const cut = limit !== undefined && expected.length >= limit;
      const read = await store.readByQuery(query, { after, limit });
      const label = JSON.stringify({ query, after, limit });
      expect(
        read.events.map((e) => e.position),
        label,
      ).toEqual(expected.slice(0, limit).map((e) => e.position));
      expect(read.position, label).toBe(cut ? expected[(limit ?? 0) - 1]?.position : head);
    }
    // Every read path returns the tags as stored.
    const tagged = all.find((e) => e.tags.length > 1);
    expect(tagged).toBeDefined();
    const stream = await store.read(tagged?.streamId ?? '');
    expect(stream.events.find((e) => e.id === tagged?.id)?.tags).toEqual(tagged?.tags);
  });

  it('matches items with many tags and many types (counted, not joined) as eventMatchesQuery does', async () => {
    const next = random(7);
    const pool = Array.from({ length: 12 }, (_, i) => `p${i}`);
    await using store = new SqliteEventStore(':memory:');
    for (let i = 0; i < 80; i++) {
      const tags = pool.filter(() => next() < 0.75);
      await store.append(`m-${i % 5}`, [
        { type: TYPES[Math.floor(next() * TYPES.length)] as string, data: {}, tags },
      ]);
    }
    const all = await store.readAll().toArray();
    let matched = 0;
    for (let q = 0; q < 60; q++) {
      const tags = pool.filter(() => next() < 0.75);
      const item = next() < 0.5 ? { tags } : { tags, types: pick(next, TYPES, 12) };
      const query: EventQuery = { items: tags.length === 0 ? [{ tags: ['p0'] }] : [item] };
      const normalized = normalizeEventQuery(query, 'query');
      const expected = all.filter((e) => eventMatchesQuery(normalized, e.type, e.tags));
      matched += expected.length;
      const read = await store.readByQuery(query);
      expect(
        read.events.map((e) => e.position),
        JSON.stringify(query),
      ).toEqual(expected.map((e) => e.position));
    }
    expect(matched).toBeGreaterThan(0);
    // More tags than SQLite joins tables: one item of 80 tags.
    const many = Array.from({ length: 80 }, (_, i) => `n${i}`);
    const hit = await store.append('n-1', [{ type: 'N', data: {}, tags: many }]);
    await store.append('n-2', [{ type: 'N', data: {}, tags: many.slice(1) }]);
    const read = await store.readByQuery({ items: [{ tags: many }] });
    expect(read.events.map((e) => e.position)).toEqual([hit.position]);
  });

  it('reads and checks the largest query accepted (100 items of many tags and types)', async () => {
    await using store = new SqliteEventStore(':memory:');
    const tags = (i: number) => Array.from({ length: 8 + (i % 3) * 4 }, (_, k) => `g${i}:${k}`);
    const types = (i: number) => Array.from({ length: 6 + (i % 4) }, (_, k) => `T${i}:${k}`);
    const query: EventQuery = {
      items: Array.from({ length: 100 }, (_, i) =>
        i % 10 === 9 ? { types: types(i) } : { tags: tags(i), types: types(i) },
      ),
    };
    const hit = await store.append('big-1', [{ type: 'T42:1', data: {}, tags: tags(42) }]);
    await store.append('big-2', [{ type: 'T42:1', data: {}, tags: tags(42).slice(1) }]);
    const typed = await store.append('big-3', [{ type: 'T19:2', data: {} }]);
    const read = await store.readByQuery(query);
    expect(read.events.map((e) => e.position)).toEqual([hit.position, typed.position]);
    await expect(
      store.append('big-4', [{ type: 'X', data: {} }], {
        condition: { failIfEventsMatch: query, after: hit.position },
      }),
    ).rejects.toBeInstanceOf(AppendConditionError);
    await store.append('big-4', [{ type: 'X', data: {} }], {
      condition: { failIfEventsMatch: query, after: typed.position },
    });
  });

  it('gives the head as position, never before `after`, nothing on an empty store', async () => {
    await using store = new SqliteEventStore(':memory:');
    const query = { items: [{ tags: ['x'] }] };
    expect(await store.readByQuery(query)).toEqual({ events: [], position: undefined });
    const first = await store.append('o-1', [{ type: 'Other', data: {} }]);
    expect(await store.readByQuery(query)).toEqual({ events: [], position: first.position });
    // A position from elsewhere, past the head: the read saw up to it, not back to the head.
    const ahead = sequencePosition(9);
    expect(await store.readByQuery(query, { after: ahead })).toEqual({
      events: [],
      position: ahead,
    });
  });

  it('lets a condition built on a read fail exactly when a matching event came since', async () => {
    await using store = new SqliteEventStore(dir.file());
    const query: EventQuery = { items: [{ types: ['Seat'], tags: ['course:c1'] }] };
    await store.append('c-1', [{ type: 'Seat', data: {}, tags: ['course:c1', 'student:s0'] }]);
    const { events, position } = await store.readByQuery(query);
    expect(events).toHaveLength(1);
    // Events that do not match, after the read, do not fail it.
    await store.append('c-2', [{ type: 'Seat', data: {}, tags: ['course:c2'] }]);
    await store.append('c-3', [{ type: 'Other', data: {}, tags: ['course:c1'] }]);
    const condition = { failIfEventsMatch: query, after: position };
    const won = await store.append(
      'c-1',
      [{ type: 'Seat', data: {}, tags: ['course:c1', 'student:s1'] }],
      { condition },
    );
    const lost = store.append(
      'c-1',
      [{ type: 'Seat', data: {}, tags: ['course:c1', 'student:s2'] }],
      { condition },
    );
    await expect(lost).rejects.toBeInstanceOf(AppendConditionError);
    await expect(lost).rejects.toMatchObject({ after: position, streamIds: ['c-1'] });
    const again = await store.readByQuery(query, { after: position });
    expect(again.events.map((e) => e.position)).toEqual([won.position]);
    expect(again.events[0]?.tags).toEqual(['course:c1', 'student:s1']);
  });
});
