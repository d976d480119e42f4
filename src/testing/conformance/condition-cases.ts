import assert from 'node:assert/strict';
import { AppendConditionError, ConcurrencyError } from '../../core/errors.js';
import type { EventQuery } from '../../core/event-query.js';
import type { EventStore } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';
import { type CaseContext, assertFeedLength, feed, rejectsWith } from './fixtures.js';

const WRITERS = 16;

/** Appends `type` tagged `tags` to `streamId` unless an event matching `query` came after `after`. */
function decide(
  store: EventStore,
  streamId: string,
  tags: string[],
  query: EventQuery,
  after: Position | undefined,
) {
  return store.append(streamId, [{ type: 'Decided', data: { streamId }, tags }], {
    condition: { failIfEventsMatch: query, after },
  });
}

/** Conditional appends: checked with the write, one winner per race, together with versions. */
export function conditionCases({ describe, it, withStore }: CaseContext): void {
  describe('append conditions', () => {
    it('fails when a matching event exists after `after`, succeeds when none does', () =>
      withStore(async (store) => {
        const query: EventQuery = { items: [{ types: ['Decided'], tags: ['name:ada'] }] };
        await decide(store, 'user-1', ['name:ada'], query, undefined);
        const error = await rejectsWith<AppendConditionError>(
          decide(store, 'user-2', ['name:ada'], query, undefined),
          'APPEND_CONDITION',
        );
        assert.ok(AppendConditionError.is(error));
        assert.deepEqual(error.streamIds, ['user-2']);
        assert.equal(error.after, undefined);
        await decide(store, 'user-3', ['name:bob'], { items: [{ tags: ['name:bob'] }] }, undefined);
        await assertFeedLength(store, 2);
      }));

    it('without `after` the whole store counts; with it, only later events', () =>
      withStore(async (store) => {
        const query: EventQuery = { items: [{ tags: ['k'] }] };
        await store.append('early', [{ type: 'A', data: {}, tags: ['k'] }]);
        const head = await store.headPosition();
        await rejectsWith(decide(store, 'd1', [], query, undefined), 'APPEND_CONDITION');
        await decide(store, 'd2', [], query, head);
        await store.append('late', [{ type: 'A', data: {}, tags: ['k'] }]);
        const error = await rejectsWith<AppendConditionError>(
          decide(store, 'd3', [], query, head),
          'APPEND_CONDITION',
        );
        assert.equal(error.after, head);
      }));

    it('a condition matching nothing (empty store, other tags, other types) never fails', () =>
      withStore(async (store) => {
        await decide(store, 'first', ['a'], { items: [] }, undefined);
        await decide(store, 'd', ['a'], { items: [{ tags: ['b'] }] }, undefined);
        await decide(store, 'd', ['a'], { items: [{ types: ['Other'], tags: ['a'] }] }, undefined);
        await rejectsWith(decide(store, 'd', [], { items: [] }, undefined), 'APPEND_CONDITION');
      }));

    it('two racing writers with overlapping conditions: exactly one wins', () =>
      withStore(async (store) => {
        const { position } = await store.readByQuery({ items: [{ tags: ['seat:1'] }] });
        const results = await Promise.allSettled([
          decide(
            store,
            'alice',
            ['seat:1', 'who:alice'],
            { items: [{ tags: ['seat:1'] }] },
            position,
          ),
          decide(store, 'bob', ['seat:1', 'who:bob'], { items: [{ tags: ['seat:1'] }] }, position),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const lost = results.find((r) => r.status === 'rejected');
        assert.ok(AppendConditionError.is(lost?.reason), String(lost?.reason));
        await assertFeedLength(store, 1);
      }));

    it('writers with disjoint tags never conflict', () =>
      withStore(async (store) => {
        const { position } = await store.readByQuery({ items: [{ types: ['Decided'] }] });
        const results = await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, w) =>
            decide(
              store,
              `disjoint-${w}`,
              [`seat:${w}`],
              { items: [{ tags: [`seat:${w}`] }] },
              position,
            ),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          Array<string>(WRITERS).fill('fulfilled'),
        );
        await assertFeedLength(store, WRITERS);
      }));

    it(`${WRITERS} concurrent writers on one condition: exactly one wins`, () =>
      withStore(async (store) => {
        await store.append('setup', [{ type: 'Other', data: {}, tags: ['slot'] }]);
        const query: EventQuery = { items: [{ types: ['Decided'], tags: ['slot'] }] };
        const { position } = await store.readByQuery(query);
        const results = await Promise.allSettled(
          Array.from({ length: WRITERS }, (_, w) =>
            decide(store, `slot-${w}`, ['slot'], query, position),
          ),
        );
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of results)
          if (r.status === 'rejected')
            assert.ok(AppendConditionError.is(r.reason), String(r.reason));
        assert.equal((await store.readByQuery(query)).events.length, 1);
      }));

    it('a condition and stream expected versions are both checked', () =>
      withStore(async (store) => {
        const query: EventQuery = { items: [{ tags: ['acct:1'] }] };
        await store.append('acct-1', [{ type: 'Opened', data: {}, tags: ['acct:1'] }]);
        const { position } = await store.readByQuery(query);
        await rejectsWith(
          store.append('acct-1', [{ type: 'A', data: {}, tags: ['acct:1'] }], {
            expectedVersion: 0,
            condition: { failIfEventsMatch: query, after: position },
          }),
          'CONCURRENCY',
          'version fails, condition holds',
        );
        await store.append('acct-2', [{ type: 'B', data: {}, tags: ['acct:1'] }]);
        const error = await rejectsWith(
          store.append('acct-1', [{ type: 'A', data: {} }], {
            expectedVersion: 1,
            condition: { failIfEventsMatch: query, after: position },
          }),
          'APPEND_CONDITION',
          'version holds, condition fails',
        );
        assert.ok(!ConcurrencyError.is(error));
        await rejectsWith(
          store.appendMany(
            [
              { streamId: 'acct-3', events: [{ type: 'C', data: {} }] },
              { streamId: 'acct-1', events: [{ type: 'C', data: {} }], expectedVersion: 0 },
            ],
            { condition: { failIfEventsMatch: { items: [{ tags: ['none'] }] } } },
          ),
          'CONCURRENCY',
          'appendMany: version fails',
        );
        await store.append('acct-1', [{ type: 'A', data: {} }], {
          expectedVersion: 1,
          condition: { failIfEventsMatch: { items: [{ tags: ['acct:2'] }] }, after: position },
        });
        await assertFeedLength(store, 3);
      }));

    it('a condition sees an append started just before it (the same group)', () =>
      withStore(async (store) => {
        const query: EventQuery = { items: [{ tags: ['first-come'] }] };
        const { position } = await store.readByQuery(query);
        const [first, second] = await Promise.allSettled([
          store.append('fc-1', [{ type: 'A', data: {}, tags: ['first-come'] }]),
          store.append('fc-2', [{ type: 'B', data: {} }], {
            condition: { failIfEventsMatch: query, after: position },
          }),
        ]);
        assert.equal(first?.status, 'fulfilled');
        if (second?.status === 'fulfilled') {
          // It committed first: then the tagged event came after it in the feed.
          const all = await feed(store);
          assert.deepEqual(
            all.map((e) => e.streamId),
            ['fc-2', 'fc-1'],
          );
        } else {
          assert.ok(AppendConditionError.is(second?.reason), String(second?.reason));
          await assertFeedLength(store, 1);
        }
      }));

    it('refuses a bad condition with INVALID_OPTION and writes nothing', () =>
      withStore(async (store) => {
        const bad: unknown[] = [
          'x',
          {},
          { failIfEventsMatch: { items: [{ tags: [] }] } },
          { failIfEventsMatch: { items: [] }, after: 12 },
        ];
        for (const condition of bad)
          await rejectsWith(
            store.append('bad-cond', [{ type: 'A', data: {} }], { condition: condition as never }),
            'INVALID_OPTION',
            JSON.stringify(condition),
          );
        await rejectsWith(
          store.append('bad-cond', [{ type: 'A', data: {} }], {
            condition: { failIfEventsMatch: { items: [] }, after: 'nope' as Position },
          }),
          'VALIDATION',
          'a malformed position, as everywhere',
        );
        await assertFeedLength(store, 0);
      }));
  });
}
