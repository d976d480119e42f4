import assert from 'node:assert/strict';
import type {
  AppendConditionError,
  ConcurrencyError,
  EventIdConflictError,
} from '../../core/errors.js';
import {
  type CaseContext,
  assertFeedLength,
  events,
  feed,
  ns,
  rejectsWith,
  uuid,
} from './fixtures.js';

/**
 * `appendMany`: all streams or none, results per entry, idempotency, bad input,
 * conditions; where `atomicMultiStreamAppends` is false, one stream at a time
 * and a typed refusal, before any write, of several.
 */
export function appendManyCases(context: CaseContext): void {
  const { describe, it, withStore, options } = context;
  describe('appendMany', () => {
    if (options.capabilities.atomicMultiStreamAppends) multiStreamCases(context);
    else singleStreamCases(context);
    it('refuses bad input with typed errors and writes nothing', () =>
      withStore(async (store) => {
        const id = uuid();
        const bad: [unknown, string][] = [
          [[], 'empty'],
          ['many', 'not an array'],
          [
            [
              { streamId: 'dup', events: events(1) },
              { streamId: 'dup', events: events(1) },
            ],
            'duplicate stream',
          ],
          [
            [
              { streamId: 'ids-a', events: [{ id, type: 'A', data: {} }] },
              { streamId: 'ids-b', events: [{ id, type: 'B', data: {} }] },
            ],
            'duplicate ids across entries',
          ],
          [
            [
              { streamId: 'ok', events: events(1) },
              { streamId: '', events: events(1) },
            ],
            'bad id',
          ],
          [
            [
              { streamId: 'ok', events: events(1) },
              { streamId: 'x', events: [] },
            ],
            'no events',
          ],
          [[{ streamId: 'ok', events: events(1) }, null], 'null entry'],
          [[{ streamId: 'ok', events: [{ type: 'A', data: {}, tags: [''] }] }], 'bad tag'],
        ];
        for (const [entries, label] of bad)
          await rejectsWith(store.appendMany(entries as never), 'VALIDATION', label);
        await rejectsWith(
          store.appendMany([{ streamId: 'ok', events: events(1), expectedVersion: -3 }]),
          'VALIDATION',
          'bad expected version',
        );
        await rejectsWith(
          store.appendMany([{ streamId: 'ok', events: events(1) }], 'opts' as never),
          'INVALID_OPTION',
          'bad options',
        );
        await rejectsWith(
          store.appendMany([{ streamId: 'ok', events: events(1) }], {
            condition: { failIfEventsMatch: { items: [{}] } },
          }),
          'INVALID_OPTION',
          'bad condition',
        );
        await assertFeedLength(store, 0);
      }));
  });
}

/** Several streams in one call, all or nothing. */
function multiStreamCases({ it, withStore }: CaseContext): void {
  it('writes every entry and resolves to one result per entry, in order, shaped like append', () =>
    withStore(async (store) => {
      await store.append('many-a', events(2));
      const results = await store.appendMany([
        { streamId: 'many-a', events: events(1, 'A', 2), expectedVersion: 2 },
        { streamId: 'many-b', events: events(3, 'B'), expectedVersion: 'no_stream' },
        { streamId: 'many-c', events: events(1, 'C') },
      ]);
      assert.deepEqual(
        results.map(({ streamId, version }) => ({ streamId, version })),
        [
          { streamId: 'many-a', version: 3 },
          { streamId: 'many-b', version: 3 },
          { streamId: 'many-c', version: 1 },
        ],
      );
      const all = await feed(store);
      assert.equal(all.length, 7);
      for (const result of results) {
        const last = all.filter((e) => e.streamId === result.streamId).at(-1);
        assert.equal(
          result.position,
          last?.position,
          `${result.streamId}: position of its last event`,
        );
      }
      const positions = all.map((e) => e.position);
      assert.deepEqual([...positions].sort(), positions, 'positions increase in feed order');
      assert.equal(new Set(positions).size, positions.length);
      assert.deepEqual(ns((await store.read('many-b')).events), [0, 1, 2]);
    }));

  it('writes nothing when a later entry fails its expectation, naming that stream and its version', () =>
    withStore(async (store) => {
      await store.append('many-x', events(1));
      await store.append('many-y', events(4));
      const error = await rejectsWith<ConcurrencyError>(
        store.appendMany([
          { streamId: 'many-x', events: events(1), expectedVersion: 1 },
          { streamId: 'many-y', events: events(1), expectedVersion: 2 },
        ]),
        'CONCURRENCY',
      );
      assert.equal(error.streamId, 'many-y');
      assert.equal(error.expectedVersion, 2);
      assert.equal(error.actualVersion, 4);
      assert.equal(await store.getVersion('many-x'), 1, 'nothing of entry 1 written');
      await assertFeedLength(store, 5);
    }));

  it('a retry of the whole call with the same ids returns the original results and writes nothing', () =>
    withStore(async (store) => {
      const entries = [
        { streamId: 'idem-a', events: [{ id: uuid(), type: 'A', data: {} }], expectedVersion: 0 },
        {
          streamId: 'idem-b',
          events: [
            { id: uuid(), type: 'B', data: {} },
            { id: uuid(), type: 'B', data: {} },
          ],
          expectedVersion: 'no_stream' as const,
        },
      ];
      const first = await store.appendMany(entries);
      await store.append('other', events(1));
      const again = await store.appendMany(entries);
      assert.deepEqual(again, first);
      await assertFeedLength(store, 4);
    }));

  it('a retry that repeats only some entries fails with EVENT_ID_CONFLICT and writes nothing', () =>
    withStore(async (store) => {
      const a = { streamId: 'part-a', events: [{ id: uuid(), type: 'A', data: {} }] };
      await store.appendMany([a]);
      const error = await rejectsWith<EventIdConflictError>(
        store.appendMany([
          a,
          { streamId: 'part-b', events: [{ id: uuid(), type: 'B', data: {} }] },
        ]),
        'EVENT_ID_CONFLICT',
      );
      assert.equal(error.streamId, 'part-a');
      assert.equal(await store.exists('part-b'), false);
      await assertFeedLength(store, 1);
    }));

  it('with a condition: fails as a whole when a matching event exists, else writes every entry', () =>
    withStore(async (store) => {
      const { position } = await store.readByQuery({ items: [{ tags: ['order:1'] }] });
      await store.append('noise', [{ type: 'Other', data: {}, tags: ['order:2'] }]);
      const condition = {
        failIfEventsMatch: { items: [{ tags: ['order:1'] }] },
        after: position,
      };
      const written = await store.appendMany(
        [
          { streamId: 'order-1', events: [{ type: 'Placed', data: {}, tags: ['order:1'] }] },
          { streamId: 'stock-9', events: [{ type: 'Reserved', data: {}, tags: ['order:1'] }] },
        ],
        { condition },
      );
      assert.equal(written.length, 2);
      const error = await rejectsWith<AppendConditionError>(
        store.appendMany(
          [
            { streamId: 'order-1', events: events(1) },
            { streamId: 'stock-8', events: events(1) },
          ],
          { condition },
        ),
        'APPEND_CONDITION',
      );
      assert.deepEqual(error.streamIds, ['order-1', 'stock-8']);
      assert.equal(await store.exists('stock-8'), false);
      await assertFeedLength(store, 3);
    }));
}

/** A store without atomic multi-stream appends: one stream works; several are refused before any write. */
function singleStreamCases({ it, withStore }: CaseContext): void {
  it('refuses several streams with UNSUPPORTED_WRITE and writes nothing, after the checks it can make', () =>
    withStore(async (store) => {
      await store.append('many-a', events(2));
      await rejectsWith(
        store.appendMany([
          { streamId: 'many-a', events: events(1), expectedVersion: 2 },
          { streamId: 'many-b', events: events(1) },
        ]),
        'UNSUPPORTED_WRITE',
      );
      await rejectsWith<ConcurrencyError>(
        store.appendMany([
          { streamId: 'many-a', events: events(1), expectedVersion: 1 },
          { streamId: 'many-b', events: events(1) },
        ]),
        'CONCURRENCY',
      );
      assert.equal(await store.exists('many-b'), false);
      await assertFeedLength(store, 2);
    }));

  it('writes one stream like append, and a retry with the same ids returns the original result', () =>
    withStore(async (store) => {
      const entry = {
        streamId: 'idem-a',
        events: [
          { id: uuid(), type: 'A', data: {} },
          { id: uuid(), type: 'A', data: {} },
        ],
        expectedVersion: 'no_stream' as const,
      };
      const first = await store.appendMany([entry]);
      assert.deepEqual(
        first.map(({ streamId, version }) => ({ streamId, version })),
        [{ streamId: 'idem-a', version: 2 }],
      );
      assert.equal(first[0]?.position, (await feed(store)).at(-1)?.position);
      await store.append('other', events(1));
      assert.deepEqual(await store.appendMany([entry]), first);
      await assertFeedLength(store, 3);
      assert.deepEqual(ns((await store.read('other')).events), [0]);
    }));
}
