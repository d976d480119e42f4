import assert from 'node:assert/strict';
import type { EventStore } from '../../core/event-store.js';
import type { EventQuery } from '../../core/event-query.js';
import type { Position } from '../../core/position.js';
import type { RecordedEvent } from '../../core/events.js';
import { type CaseContext, assertFeedLength, feed, rejectsWith } from './fixtures.js';

/** A small catalogue: courses and students, tagged. */
async function catalogue(store: EventStore): Promise<void> {
  await store.append('course-c1', [{ type: 'CourseDefined', data: { n: 1 }, tags: ['course:c1'] }]);
  await store.append('student-s1', [
    { type: 'StudentRegistered', data: { n: 2 }, tags: ['student:s1'] },
  ]);
  await store.appendMany([
    {
      streamId: 'course-c1',
      events: [{ type: 'StudentSubscribed', data: { n: 3 }, tags: ['course:c1', 'student:s1'] }],
    },
  ]);
  await store.append('course-c2', [
    { type: 'CourseDefined', data: { n: 4 }, tags: ['course:c2'] },
    { type: 'StudentSubscribed', data: { n: 5 }, tags: ['course:c2', 'student:s1'] },
  ]);
  await store.append('untagged', [{ type: 'CourseDefined', data: { n: 6 } }]);
}

const nsOf = (list: readonly RecordedEvent[]): number[] =>
  list.map((e) => (e.data as { n: number }).n);

async function matching(store: EventStore, query: EventQuery): Promise<number[]> {
  return nsOf((await store.readByQuery(query)).events);
}

/** Tags on events and `readByQuery`: matching, order, `after` and `limit`, its position, bad queries. */
export function queryCases({ describe, it, withStore }: CaseContext): void {
  describe('tags', () => {
    it('come back on every read path, [] when none', () =>
      withStore(async (store) => {
        await catalogue(store);
        const stream = await store.read('course-c2');
        assert.deepEqual(
          stream.events.map((e) => [...e.tags]),
          [['course:c2'], ['course:c2', 'student:s1']],
        );
        const all = await feed(store);
        assert.deepEqual(
          all.map((e) => [...e.tags].sort()),
          [
            ['course:c1'],
            ['student:s1'],
            ['course:c1', 'student:s1'],
            ['course:c2'],
            ['course:c2', 'student:s1'],
            [],
          ],
        );
        const page = await store.readAllPage({ types: ['CourseDefined'] });
        assert.deepEqual(page.events.at(-1)?.tags, []);
        const byQuery = await store.readByQuery({ items: [{ tags: ['student:s1'] }] });
        assert.deepEqual(
          byQuery.events.map((e) => [...e.tags].sort()),
          [['student:s1'], ['course:c1', 'student:s1'], ['course:c2', 'student:s1']],
        );
      }));

    it('repeated tags are stored once', () =>
      withStore(async (store) => {
        await store.append('dup-tags', [{ type: 'A', data: {}, tags: ['t', 't', 'u'] }]);
        const [event] = (await store.read('dup-tags')).events;
        assert.deepEqual([...(event?.tags ?? [])].sort(), ['t', 'u']);
      }));

    it('bad tags are refused with VALIDATION and nothing is written', () =>
      withStore(async (store) => {
        const bad: unknown[] = [
          'course:c1',
          [''],
          [1],
          ['a\u0000b'],
          ['x'.repeat(256)],
          ['\ud800'],
          Array.from({ length: 101 }, (_, i) => `t${i}`),
        ];
        for (const tags of bad) {
          await rejectsWith(
            store.append('bad-tags', [
              { type: 'A', data: {} },
              { type: 'A', data: {}, tags: tags as string[] },
            ]),
            'VALIDATION',
            JSON.stringify(tags).slice(0, 40),
          );
        }
        await assertFeedLength(store, 0);
      }));
  });

  describe('readByQuery', () => {
    it('matches items OR-ed, types and tags AND-ed within an item, in feed order', () =>
      withStore(async (store) => {
        await catalogue(store);
        assert.deepEqual(
          await matching(store, { items: [{ types: ['CourseDefined'] }] }),
          [1, 4, 6],
        );
        assert.deepEqual(await matching(store, { items: [{ tags: ['student:s1'] }] }), [2, 3, 5]);
        assert.deepEqual(
          await matching(store, { items: [{ tags: ['course:c1', 'student:s1'] }] }),
          [3],
          'every tag of the item',
        );
        assert.deepEqual(
          await matching(store, {
            items: [{ types: ['StudentSubscribed', 'CourseDefined'], tags: ['course:c2'] }],
          }),
          [4, 5],
        );
        assert.deepEqual(
          await matching(store, {
            items: [
              { types: ['CourseDefined'], tags: ['course:c1'] },
              { types: ['StudentSubscribed'], tags: ['student:s1'] },
              { tags: ['course:c1'] },
            ],
          }),
          [1, 3, 5],
          'OR-ed, each event once',
        );
        assert.deepEqual(await matching(store, { items: [{ tags: ['nobody'] }] }), []);
        assert.deepEqual(await matching(store, { items: [] }), [1, 2, 3, 4, 5, 6], 'no items: all');
      }));

    it('reads after a position and up to a limit; position is where the read saw up to', () =>
      withStore(async (store) => {
        const empty = await store.readByQuery({ items: [] });
        assert.deepEqual(empty, { events: [], position: undefined });
        await catalogue(store);
        const all = await feed(store);
        const head = await store.headPosition();
        const whole = await store.readByQuery({ items: [{ tags: ['course:c1'] }] });
        assert.deepEqual(nsOf(whole.events), [1, 3]);
        assert.equal(whole.position, head, 'a whole read sees up to the head');
        const after = await store.readByQuery(
          { items: [{ tags: ['student:s1'] }] },
          { after: all[2]?.position },
        );
        assert.deepEqual(nsOf(after.events), [5]);
        const first = await store.readByQuery({ items: [{ tags: ['student:s1'] }] }, { limit: 2 });
        assert.deepEqual(nsOf(first.events), [2, 3]);
        assert.equal(first.position, all[2]?.position, 'cut short: the last event returned');
        const rest = await store.readByQuery(
          { items: [{ tags: ['student:s1'] }] },
          { after: first.position, limit: 2 },
        );
        assert.deepEqual(nsOf(rest.events), [5]);
        const none = await store.readByQuery(
          { items: [{ tags: ['nobody'] }] },
          { after: all[0]?.position },
        );
        assert.equal(none.position, head);
      }));

    it('a condition on the read position succeeds when nothing matching came since, fails when one did', () =>
      withStore(async (store) => {
        await catalogue(store);
        const query: EventQuery = { items: [{ tags: ['course:c1'] }] };
        const read = await store.readByQuery(query);
        await store.append('elsewhere', [{ type: 'X', data: {}, tags: ['course:c9'] }]);
        await store.append('course-c1', [{ type: 'Noted', data: {} }]);
        await store.append('course-c1', [{ type: 'Noted', data: {}, tags: ['course:c1'] }], {
          condition: { failIfEventsMatch: query, after: read.position },
        });
        await rejectsWith(
          store.append('course-c1', [{ type: 'Noted', data: {} }], {
            condition: { failIfEventsMatch: query, after: read.position },
          }),
          'APPEND_CONDITION',
        );
        const limited = await store.readByQuery(
          { items: [{ types: ['CourseDefined'] }] },
          { limit: 1 },
        );
        await rejectsWith(
          store.append('x', [{ type: 'X', data: {} }], {
            condition: {
              failIfEventsMatch: { items: [{ types: ['CourseDefined'] }] },
              after: limited.position,
            },
          }),
          'APPEND_CONDITION',
          'events past a limited read still count',
        );
      }));

    it('refuses bad queries and options with INVALID_OPTION', () =>
      withStore(async (store) => {
        const bad: unknown[] = [
          undefined,
          null,
          [],
          {},
          { items: 'x' },
          { items: [{}] },
          { items: [null] },
          { items: [{ types: [] }] },
          { items: [{ tags: [] }] },
          { items: [{ tags: [''] }] },
          { items: [{ types: ['A', 3] }] },
          { items: Array.from({ length: 101 }, () => ({ types: ['A'] })) },
        ];
        for (const query of bad)
          await rejectsWith(
            store.readByQuery(query as never),
            'INVALID_OPTION',
            JSON.stringify(query),
          );
        const ok: EventQuery = { items: [{ types: ['A'] }] };
        await rejectsWith(store.readByQuery(ok, { limit: 0 }), 'INVALID_OPTION', 'limit 0');
        await rejectsWith(store.readByQuery(ok, { limit: 1.5 }), 'INVALID_OPTION', 'limit 1.5');
        await rejectsWith(store.readByQuery(ok, 'x' as never), 'INVALID_OPTION', 'options');
        await rejectsWith(
          store.readByQuery(ok, { after: 'nope' as Position }),
          'VALIDATION',
          'a malformed position, as everywhere',
        );
      }));
  });
}
