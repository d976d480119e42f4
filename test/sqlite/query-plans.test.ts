import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/stores/sqlite/index.js';
import { READ_ALL } from '../../src/stores/sqlite/sql/read-all.js';
import {
  MAX_FEED_ARMS,
  readAllFilteredSql,
} from '../../src/stores/sqlite/sql/read-all-filtered.js';
import { READ_STREAM } from '../../src/stores/sqlite/sql/read-stream.js';
import { READ_STREAM_BACKWARD } from '../../src/stores/sqlite/sql/read-stream-backward.js';
import { READ_STREAM_FORWARD } from '../../src/stores/sqlite/sql/read-stream-forward.js';
import { SELECT_EVENTS_BY_ID } from '../../src/stores/sqlite/sql/select-events-by-id.js';
import { SELECT_STREAM_VERSION } from '../../src/stores/sqlite/sql/select-stream-version.js';
import {
  planEventQuery,
  queryMatchExistsSql,
  readByQuerySql,
} from '../../src/stores/sqlite/sql/event-query.js';
import { normalizeEventQuery, type EventQuery } from '../../src/core/event-query.js';

let store: SqliteEventStore;

beforeAll(async () => {
  store = new SqliteEventStore(':memory:');
  for (let i = 0; i < 50; i++) {
    await store.append(`${i % 2 === 0 ? 'Task' : 'Order'}-${i}`, [
      { type: 'Created', data: { i } },
      { type: i % 5 === 0 ? 'Rare' : 'Updated', data: { i }, tags: [`t${i % 3}`, `u${i % 4}`] },
    ]);
  }
  store.database.exec('ANALYZE');
});
afterAll(() => store.close());

/** The `EXPLAIN QUERY PLAN` lines of `sql` with `params` bound. */
function plan(sql: string, params: unknown[] | Record<string, unknown>): string[] {
  const statement = store.database.prepare<unknown[], { detail: string }>(
    `EXPLAIN QUERY PLAN ${sql}`,
  );
  const rows = Array.isArray(params) ? statement.all(...params) : statement.all(params);
  return rows.map((r) => r.detail);
}

function expectIndexOnly(lines: string[], expected: RegExp): void {
  expect(
    lines.some((l) => expected.test(l)),
    lines.join('\n'),
  ).toBe(true);
  expect(
    lines.filter((l) => /^SCAN eventfold_events\b/.test(l)),
    lines.join('\n'),
  ).toEqual([]);
}

describe('SQLite query plans use an index', () => {
  it('for a stream read, forward and backward, and its version', () => {
    expectIndexOnly(
      plan(READ_STREAM_FORWARD, ['Task-0', 1, -1]),
      /SEARCH eventfold_events USING INDEX eventfold_events_stream_version \(stream_id=\? AND version>\?\)/,
    );
    expectIndexOnly(
      plan(READ_STREAM_BACKWARD, ['Task-0', 9, 10]),
      /SEARCH eventfold_events USING INDEX eventfold_events_stream_version \(stream_id=\? AND version<\?\)/,
    );
    expectIndexOnly(
      plan(SELECT_STREAM_VERSION, ['Task-0']),
      /SEARCH eventfold_events USING COVERING INDEX eventfold_events_stream_version \(stream_id=\?\)/,
    );
    expectIndexOnly(
      plan(READ_STREAM, ['Task-0']),
      /SEARCH eventfold_events USING INDEX eventfold_events_stream_version \(stream_id=\?\)/,
    );
    expect(plan(READ_STREAM, ['Task-0']).join('\n')).not.toMatch(/TEMP B-TREE/);
    for (const sql of [READ_STREAM_FORWARD, READ_STREAM_BACKWARD]) {
      expect(plan(sql, ['Task-0', 1, -1]).join('\n')).not.toMatch(/TEMP B-TREE/);
    }
  });

  it('for the global feed by position', () => {
    const lines = plan(READ_ALL, [10, 100]);
    expectIndexOnly(lines, /SEARCH eventfold_events USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('for the feed by type', () => {
    const lines = plan(readAllFilteredSql('type', 1, false), { after: 0, limit: 100, k0: 'Rare' });
    expectIndexOnly(
      lines,
      /SEARCH eventfold_events USING INDEX eventfold_events_type \(type=\? AND rowid>\?\)/,
    );
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
    const several = plan(readAllFilteredSql('type', 3, false), {
      after: 0,
      limit: 100,
      k0: 'Rare',
      k1: 'Created',
      k2: 'X',
    });
    expectIndexOnly(
      several,
      /SEARCH eventfold_events USING INDEX eventfold_events_type \(type=\? AND rowid>\?\)/,
    );
  });

  it('for the feed by category, also filtered by type', () => {
    const lines = plan(readAllFilteredSql('category', 1, false), {
      after: 0,
      limit: 100,
      k0: 'Task',
    });
    expectIndexOnly(
      lines,
      /SEARCH eventfold_events USING INDEX eventfold_events_category \(category=\? AND rowid>\?\)/,
    );
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
    const filtered = plan(readAllFilteredSql('category', 1, true), {
      after: 0,
      limit: 100,
      k0: 'Task',
      filter: '["Rare"]',
    });
    expectIndexOnly(filtered, /USING INDEX eventfold_events_(category|type)/);
  });

  it('for the feed by many types, as a walk of the position', () => {
    const keys = JSON.stringify(Array.from({ length: MAX_FEED_ARMS + 1 }, (_, i) => `T${i}`));
    const lines = plan(readAllFilteredSql('type', MAX_FEED_ARMS + 1, true), {
      after: 0,
      limit: 100,
      keys,
      filter: '["Task"]',
    });
    expectIndexOnly(lines, /SEARCH eventfold_events USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(lines.join('\n')).not.toMatch(/TEMP B-TREE/);
  });

  it('for the idempotency lookup of event ids', () => {
    expectIndexOnly(
      plan(SELECT_EVENTS_BY_ID, ['["a","b"]']),
      /SEARCH eventfold_events USING (COVERING )?INDEX eventfold_events_event_id \(event_id=\?\)/,
    );
  });

  it('for reads and conditions by query: the tag table by (tag, position), the type index, never a scan', () => {
    const queries: [EventQuery, RegExp][] = [
      [{ items: [{ tags: ['t1'] }] }, /SEARCH g USING PRIMARY KEY \(tag=\? AND position>\?\)/],
      [
        { items: [{ tags: ['t1', 'u2'], types: ['Rare'] }, { types: ['Created'] }] },
        /SEARCH g1 USING PRIMARY KEY \(tag=\? AND position=\?\)/,
      ],
      [
        { items: [{ types: Array.from({ length: 9 }, (_, k) => `T${k}`) }] },
        /SEARCH eventfold_events USING (COVERING )?INDEX eventfold_events_type \(type=\? AND rowid>\?\)/,
      ],
      [
        {
          items: [
            {
              tags: Array.from({ length: 10 }, (_, k) => `t${k}`),
              types: Array.from({ length: 9 }, (_, k) => `T${k}`),
            },
          ],
        },
        /SEARCH r USING PRIMARY KEY \(tag=\? AND position=\?\)/,
      ],
      [{ items: [] }, /SEARCH eventfold_events USING INTEGER PRIMARY KEY \(rowid>\?\)/],
    ];
    for (const [query, expected] of queries) {
      const planned = planEventQuery(normalizeEventQuery(query, 'query'));
      const params = { ...planned.params, after: 3, limit: 10 };
      const read = plan(readByQuerySql(planned), params);
      expectIndexOnly(read, expected);
      const exists = plan(queryMatchExistsSql(planned), { ...params, limit: 1 });
      for (const lines of [read, exists])
        expect(
          lines.filter((l) => /^SCAN (e|g\d*|r)\b/.test(l)),
          lines.join('\n'),
        ).toEqual([]);
      expectIndexOnly(exists, expected);
    }
  });
});
