/**
 * The parameters of `commit_events` (no server): lock keys in their strongest
 * mode, the escalation of many tags, the table lock of conditions without
 * tags, and the earlier units whose new events match a condition; and how
 * `commitUnits` splits a commit into calls and reports a failed call.
 */
import { describe, expect, it } from 'vitest';
import { LOCK_SEED } from '../../src/stores/postgres/migrations/0003-tags-and-commit.js';
import {
  commitEventsValues,
  MAX_EVENT_LOCK_KEYS,
} from '../../src/stores/postgres/sql/commit-events.js';
import { commitUnits } from '../../src/stores/postgres/postgres-commit.js';
import type { CommitEventsRow } from '../../src/stores/postgres/sql/commit-events.js';
import { unitOf } from './helpers.js';

/** A row of `commit_events`, the fields not given being null. */
function row(fields: Partial<CommitEventsRow>): CommitEventsRow {
  return {
    o_kind: 'unit',
    o_index: null,
    o_status: null,
    o_actual: null,
    o_event_id: null,
    o_stream_id: null,
    o_version: null,
    o_transaction_id: null,
    o_global_position: null,
    ...fields,
  };
}

/** The lock parameters as `seed:text` → exclusive, and the table flag. */
function locksOf(values: unknown[]): { keys: Map<string, boolean>; table: boolean } {
  const [texts, seeds, exclusive, table] = values as [string[], number[], boolean[], boolean];
  const keys = new Map<string, boolean>();
  texts.forEach((text, i) => {
    const id = `${seeds[i]}:${text}`;
    keys.set(id, (keys.get(id) ?? false) || (exclusive[i] ?? false));
  });
  return { keys, table };
}

describe('commit_events parameters', () => {
  it('locks streams exclusive, event tags shared, condition tags exclusive (each key once)', async () => {
    const values = commitEventsValues([
      await unitOf([{ streamId: 'A-1', events: [{ type: 'T', data: {}, tags: ['x', 'y'] }] }]),
      await unitOf([{ streamId: 'B-1', events: [{ type: 'T', data: {}, tags: ['y'] }] }], {
        failIfEventsMatch: { items: [{ tags: ['y', 'z'] }, { types: ['T'], tags: ['w'] }] },
      }),
    ]);
    const { keys, table } = locksOf(values);
    expect(Object.fromEntries(keys)).toEqual({
      [`${LOCK_SEED.stream}:A-1`]: true,
      [`${LOCK_SEED.stream}:B-1`]: true,
      [`${LOCK_SEED.tag}:x`]: false,
      [`${LOCK_SEED.tag}:y`]: true, // a condition's first tag: exclusive, though also written
      [`${LOCK_SEED.tag}:w`]: true,
      [`${LOCK_SEED.conditions}:`]: false,
    });
    expect(table).toBe(false);
    // The first unit's event has tag y but not z, nor tag w: it does not match the condition.
    const [depUnit, depOn] = [values[12], values[13]];
    expect([depUnit, depOn]).toEqual([[], []]);
  });

  it('names the earlier units whose new events match a later condition', async () => {
    const values = commitEventsValues([
      await unitOf([{ streamId: 'A-1', events: [{ type: 'Booked', data: {}, tags: ['room:1'] }] }]),
      await unitOf([{ streamId: 'A-2', events: [{ type: 'Other', data: {}, tags: ['room:1'] }] }]),
      await unitOf([{ streamId: 'A-3', events: [{ type: 'Booked', data: {} }] }], {
        failIfEventsMatch: { items: [{ types: ['Booked'], tags: ['room:1'] }] },
      }),
    ]);
    expect([values[12], values[13]]).toEqual([[3], [1]]);
  });

  it('locks the events table for a condition without tags or without items', async () => {
    for (const query of [{ items: [{ types: ['T'] }] }, { items: [] }]) {
      const values = commitEventsValues([
        await unitOf([{ streamId: 'A-1', events: [{ type: 'T', data: {} }] }], {
          failIfEventsMatch: query,
        }),
      ]);
      expect(locksOf(values).table).toBe(true);
    }
  });

  it(`replaces more than ${MAX_EVENT_LOCK_KEYS} tag keys by the conditions key, exclusive`, async () => {
    const tags = Array.from({ length: MAX_EVENT_LOCK_KEYS + 1 }, (_, i) => `t${i}`);
    const many = locksOf(
      commitEventsValues([
        await unitOf([
          { streamId: 'A-1', events: tags.map((tag) => ({ type: 'T', data: {}, tags: [tag] })) },
        ]),
      ]),
    );
    expect(Object.fromEntries(many.keys)).toEqual({
      [`${LOCK_SEED.stream}:A-1`]: true,
      [`${LOCK_SEED.conditions}:`]: true,
    });
    const few = locksOf(
      commitEventsValues([
        await unitOf([
          {
            streamId: 'A-1',
            events: tags.slice(1).map((tag) => ({ type: 'T', data: {}, tags: [tag] })),
          },
        ]),
      ]),
    );
    expect(few.keys.size).toBe(1 + MAX_EVENT_LOCK_KEYS);
    expect(few.keys.get(`${LOCK_SEED.conditions}:`)).toBeUndefined();
  });
});

describe('commitUnits (no server)', () => {
  const id = '0190a6e2-0000-7000-8000-0000000000aa';

  it("sends units repeating an earlier unit's id in a later call", async () => {
    const units = [
      await unitOf([{ streamId: 'A-1', events: [{ id, type: 'T', data: {} }] }]),
      await unitOf([{ streamId: 'B-1', events: [{ type: 'T', data: {} }] }]),
      await unitOf([{ streamId: 'A-1', events: [{ id, type: 'T', data: {} }] }]),
    ];
    const batches: string[][] = [];
    const { outcomes, written } = await commitUnits(units, (batch) => {
      batches.push(batch.map((u) => u.entries[0]?.streamId ?? ''));
      return Promise.resolve(
        batch.flatMap((_, u) => [
          row({ o_kind: 'unit', o_index: u + 1, o_status: 'ok' }),
          row({
            o_kind: 'entry',
            o_index: u + 1,
            o_status: 'ok',
            o_version: 1,
            o_transaction_id: '7',
            o_global_position: String(batches.length * 10 + u),
          }),
        ]),
      );
    });
    expect(batches).toEqual([['A-1', 'B-1'], ['A-1']]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(written).toBe(true);
  });

  it('rejects when the first call fails, and fails only the unsettled units after that', async () => {
    const units = [
      await unitOf([{ streamId: 'A-1', events: [{ id, type: 'T', data: {} }] }]),
      await unitOf([{ streamId: 'B-1', events: [{ type: 'T', data: {} }] }]),
    ];
    const broken = new Error('connection lost');
    await expect(commitUnits(units, () => Promise.reject(broken))).rejects.toBe(broken);
    // The first call finds A-1's id stored (a replay), the call for B-1 fails.
    let calls = 0;
    const { outcomes, written } = await commitUnits(units, () => {
      calls++;
      if (calls > 1) return Promise.reject(broken);
      return Promise.resolve([
        row({
          o_kind: 'existing',
          o_event_id: id,
          o_stream_id: 'A-1',
          o_version: 1,
          o_transaction_id: '5',
          o_global_position: '1',
        }),
        row({ o_kind: 'entry', o_index: 1, o_status: 'existing', o_actual: 1 }),
        row({ o_kind: 'entry', o_index: 2, o_status: 'existing', o_actual: 0 }),
      ]);
    });
    expect(calls).toBe(2);
    expect(outcomes[0]).toEqual({
      ok: true,
      results: [
        {
          streamId: 'A-1',
          version: 1,
          position: `${'5'.padStart(20, '0')}:${'1'.padStart(20, '0')}`,
        },
      ],
    });
    expect(outcomes[1]).toEqual({ ok: false, error: broken });
    expect(written).toBe(false);
  });
});
