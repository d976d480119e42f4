import type { FeedEventRow } from './sql/event-columns.js';
import { MAX_FEED_ARMS, type ReadAllFilteredParams } from './sql/read-all-filtered.js';
import type { SqliteStatements } from './sqlite-statements.js';

/**
 * Selects one page of the global feed after `afterSeq`: a rowid range scan when
 * unfiltered; otherwise a walk of the type or category index, whichever list is
 * shorter, with the other list (if any) as a filter. Lists are non-empty.
 */
export function selectFeedPage(
  statements: SqliteStatements,
  afterSeq: number,
  limit: number,
  types: readonly string[] | undefined,
  categories: readonly string[] | undefined,
): FeedEventRow[] {
  if (types === undefined && categories === undefined)
    return statements.readAll.all(afterSeq, limit);
  const byType =
    types !== undefined && (categories === undefined || types.length <= categories.length);
  const keys = (byType ? types : categories) ?? [];
  const other = byType ? categories : types;
  const params: ReadAllFilteredParams = { after: afterSeq, limit };
  if (keys.length > MAX_FEED_ARMS) params.keys = JSON.stringify(keys);
  else for (let i = 0; i < keys.length; i++) params[`k${i}`] = keys[i] as string;
  if (other !== undefined) params.filter = JSON.stringify(other);
  return statements
    .readAllFiltered(byType ? 'type' : 'category', keys.length, other !== undefined)
    .all(params);
}
