import type { NormalizedQuery } from '../../../core/event-query.js';

/** The columns of an event read as `e`, in the order the row mappers expect (see `EVENT_COLUMNS`). */
const E_COLUMNS =
  'e.transaction_id::text AS xid, e.global_position::text AS pos, e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata, e.recorded_at, e.tags, e.schema_version';
const AFTER = '($1::xid8, $2::bigint)';

/** A query read ready for `pg`: built per call and not prepared, so each branch is planned with its values. */
export interface QueryReadSql {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The events matching `query` after (`$1`, `$2`), up to `$3` (`NULL`: no
 * limit), below the feed horizon, in `(transaction_id, global_position)` order,
 * with the head below the same horizon in the same statement (one snapshot).
 * One branch per query item: an item with tags reads the `event_tags` index
 * by its first tag and checks the rest and the types on the event; an item of
 * types only reads the type index; no items reads the feed. The branches'
 * keys are merged without duplicates, then the events are joined once.
 *
 * Columns: head transaction id, head position (text), then the event columns
 * (none when nothing matched: one row with `NULL` events). No row: nothing is
 * visible yet.
 */
export function readByQuerySql(
  s: string,
  query: NormalizedQuery,
  after: readonly [bigint, bigint],
  limit: number | undefined,
): QueryReadSql {
  const values: unknown[] = [String(after[0]), String(after[1]), limit ?? null];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const horizon = '(SELECT x FROM h)';
  const branches: string[] = [];
  if (query.items.length === 0) {
    branches.push(
      `SELECT transaction_id, global_position FROM ${s}.events WHERE transaction_id < ${horizon} AND (transaction_id, global_position) > ${AFTER} ORDER BY 1, 2 LIMIT $3::bigint`,
    );
  }
  for (const item of query.items) {
    const [first, ...rest] = item.tags;
    if (first === undefined) {
      const types = param(item.types ?? []);
      branches.push(
        `SELECT transaction_id, global_position FROM ${s}.events WHERE type = ANY (${types}::text[]) AND transaction_id < ${horizon} AND (transaction_id, global_position) > ${AFTER} ORDER BY 1, 2 LIMIT $3::bigint`,
      );
      continue;
    }
    const where = [
      `t.tag = ${param(first)}::text`,
      `t.transaction_id < ${horizon}`,
      `(t.transaction_id, t.global_position) > ${AFTER}`,
    ];
    if (rest.length > 0) where.push(`e.tags @> ${param(rest)}::text[]`);
    if (item.types !== undefined) where.push(`e.type = ANY (${param(item.types)}::text[])`);
    branches.push(
      `SELECT t.transaction_id, t.global_position FROM ${s}.event_tags t JOIN ${s}.events e ON e.transaction_id = t.transaction_id AND e.global_position = t.global_position WHERE ${where.join(' AND ')} ORDER BY 1, 2 LIMIT $3::bigint`,
    );
  }
  const text = `WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS x),
hd AS (SELECT transaction_id::text AS hx, global_position::text AS hp FROM ${s}.events
  WHERE transaction_id < ${horizon} ORDER BY transaction_id DESC, global_position DESC LIMIT 1),
k AS ((${branches.join(')\nUNION\n(')})),
sel AS (SELECT transaction_id, global_position FROM k ORDER BY 1, 2 LIMIT $3::bigint)
SELECT hd.hx, hd.hp, ev.* FROM hd LEFT JOIN LATERAL (
  SELECT ${E_COLUMNS}, e.transaction_id AS ox, e.global_position AS op
  FROM sel JOIN ${s}.events e ON e.transaction_id = sel.transaction_id AND e.global_position = sel.global_position
) ev ON true
ORDER BY ev.ox, ev.op`;
  return { text, values };
}
