import { EVENT_COLUMNS, EVENT_COLUMNS_OF_U, RAW_EVENT_COLUMNS } from './read-stream.js';

/** Only rows of transactions that ended before the statement's snapshot: nothing can commit before them later. */
const HORIZON = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
const AFTER = '(transaction_id, global_position) > ($1::xid8, $2::bigint)';
const ORDER = 'ORDER BY transaction_id, global_position';
/** With more keys than this, one `= ANY` query replaces the per-key branches. */
const MAX_BRANCHES = 16;

/**
 * One page of the global feed: `$1`, `$2` the position read after (xid,
 * global position), `$3` the limit. Only events of transactions older than the
 * snapshot's `xmin` are returned, in `(transaction_id, global_position)` order,
 * so a reader never skips an event that commits later.
 */
export function readAllSql(s: string): string {
  return `SELECT ${EVENT_COLUMNS} FROM ${s}.events WHERE ${HORIZON} AND ${AFTER} ${ORDER} LIMIT $3::bigint`;
}

/**
 * A filtered page of the feed, for `keys` types (`column` = `'type'`) or
 * categories (`'category'`), whose values follow as `$4`, `$5`, …; with
 * `alsoTypes`, one more parameter holds the types every event must also have.
 * Each key gets its own `UNION ALL` branch, planned with its value (the
 * statement is not prepared), so a rare type is read through its index and a
 * common one in feed order; PostgreSQL merges the branches (Merge Append).
 */
export function readAllFilteredSql(
  s: string,
  column: 'type' | 'category',
  keys: number,
  alsoTypes: boolean,
): string {
  const typesParam = `$${4 + (keys > MAX_BRANCHES ? 1 : keys)}`;
  const extra = alsoTypes ? ` AND type = ANY (${typesParam}::text[])` : '';
  const branch = (columns: string, match: string) =>
    `SELECT ${columns} FROM ${s}.events WHERE ${match} AND ${HORIZON} AND ${AFTER}${extra} ${ORDER} LIMIT $3::bigint`;
  if (keys > MAX_BRANCHES) return branch(EVENT_COLUMNS, `${column} = ANY ($4::text[])`);
  if (keys === 1) return branch(EVENT_COLUMNS, `${column} = $4::text`);
  const branches = Array.from({ length: keys }, (_, i) =>
    branch(RAW_EVENT_COLUMNS, `${column} = $${4 + i}::text`),
  );
  // The union is ordered by the raw columns, then the outer query converts them.
  return `SELECT ${EVENT_COLUMNS_OF_U} FROM (
(${branches.join(')\nUNION ALL\n(')})
${ORDER} LIMIT $3::bigint) u
ORDER BY u.transaction_id, u.global_position`;
}

/** The parameters of {@link readAllFilteredSql} after the first three. */
export function readAllFilterValues(
  keys: readonly string[],
  alsoTypes: readonly string[] | undefined,
): unknown[] {
  const values: unknown[] = keys.length > MAX_BRANCHES ? [keys] : [...keys];
  if (alsoTypes !== undefined) values.push(alsoTypes);
  return values;
}
