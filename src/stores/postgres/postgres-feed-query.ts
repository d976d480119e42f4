import { readAllFilteredSql, readAllFilterValues } from './sql/read-all.js';
import type { Statements } from './postgres-statements.js';

/** A feed query ready for `pg`: named (prepared) when unfiltered. */
export interface FeedQuery {
  readonly name: string | undefined;
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The query of one feed page after `(xid, position)`. Unfiltered pages use
 * the schema's prepared statement; filtered ones are built per call and left
 * unprepared, so PostgreSQL plans each type or category with its value (see
 * {@link readAllFilteredSql}). With both filters, categories choose the
 * branches and types filter within them.
 */
export function feedQuery(
  sql: Statements,
  xid: bigint,
  position: bigint,
  limit: number,
  types: readonly string[] | undefined,
  categories: readonly string[] | undefined,
): FeedQuery {
  const values: unknown[] = [String(xid), String(position), limit];
  if (types === undefined && categories === undefined) {
    return { name: sql.readAllName, text: sql.readAll, values };
  }
  const [column, keys] =
    categories === undefined
      ? (['type', types ?? []] as const)
      : (['category', categories] as const);
  const alsoTypes = categories === undefined ? undefined : types;
  values.push(...readAllFilterValues(keys, alsoTypes));
  return {
    name: undefined,
    text: readAllFilteredSql(sql.quotedSchema, column, keys.length, alsoTypes !== undefined),
    values,
  };
}
