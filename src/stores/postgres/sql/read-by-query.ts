import { createHash } from 'node:crypto';
import type { NormalizedQuery } from '../../../core/event-query.js';

/** The columns of an event read as `e`, in the order the row mappers expect (see `EVENT_COLUMNS`). */
const E_COLUMNS =
  'e.transaction_id::text AS xid, e.global_position::text AS pos, e.stream_id, e.version, e.event_id, e.type, e.data, e.metadata, e.recorded_at, e.tags, e.schema_version';
const AFTER = '($1::xid8, $2::bigint)';

/**
 * A query read ready for `pg`. `name` is set when every item of the query has
 * tags: the statement's text depends only on the query's shape (how many
 * items, and whether each has more than one tag and a type list), so it is prepared once per connection and the
 * server skips parsing and planning (most of a small read's time). Any plan
 * for such a statement starts from the `event_tags` index on each item's
 * first tag. Items of types only, or no items, stay unnamed and are planned
 * with their values, since the best plan for a type list depends on how
 * common the types are.
 */
export interface QueryReadSql {
  readonly text: string;
  readonly values: unknown[];
  readonly name: string | undefined;
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
  const tagged = query.items.length > 0 && query.items.every((item) => item.tags.length > 0);
  return { text, values, name: tagged ? statementName(text) : undefined };
}

/** A prepared statement's name for a query read's text (which holds the schema): the same text gives the same name. */
function statementName(text: string): string {
  return `eventfold_q_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** How many query shapes a store prepares; reads of further shapes are planned each time. */
export const MAX_PREPARED_QUERY_SHAPES = 64;

/**
 * The query shapes a store has prepared, at most {@link MAX_PREPARED_QUERY_SHAPES}:
 * each is a statement kept by every connection that ran it, so an application
 * that builds ever new shapes must not grow them without bound.
 */
export class PreparedQueryShapes {
  readonly #names = new Set<string>();

  /** `name` when it is, or may become, a prepared shape; `undefined` (plan each time) otherwise. */
  admit(name: string | undefined): string | undefined {
    if (name === undefined || this.#names.has(name)) return name;
    if (this.#names.size >= MAX_PREPARED_QUERY_SHAPES) return undefined;
    this.#names.add(name);
    return name;
  }
}
