import type { NormalizedQuery } from '../../../core/event-query.js';
import { FEED_EVENT_COLUMNS } from './event-columns.js';
import { EVENT_TAGS_TABLE, EVENTS_TABLE, TYPE_INDEX } from './tables.js';

/** Past this many distinct types of tag-less items, one `IN` walk replaces one index walk per type. */
export const MAX_TYPE_ARMS = 8;

/** Past this many tags besides the first, an item's other tags are counted in one lookup instead of one join each. */
export const MAX_TAG_JOINS = 7;

/** Named parameters of a query's SQL: `after`, `limit`, and the query's tags and types. */
export type EventQueryParams = Record<string, string | number>;

/**
 * A query ready for SQL: the key of its statement's shape (queries of one shape
 * share a prepared statement) and its parameters, without `after` and `limit`.
 */
export interface EventQueryPlan {
  readonly shape: string;
  readonly params: EventQueryParams;
}

/**
 * How a query is walked: each item with tags walks the `(tag, position)` index
 * of its first tag, the other tags (one join each, or past {@link MAX_TAG_JOINS}
 * one count over a JSON list) and the types checked per entry; the items
 * without tags are merged into one set of types, walked on the type index (one
 * walk per type up to {@link MAX_TYPE_ARMS}); no items walks the rowid.
 */
export function planEventQuery(query: NormalizedQuery): EventQueryPlan {
  const params: EventQueryParams = {};
  const shape: string[] = [];
  const tagless = new Set<string>();
  let anyTagless = false;
  query.items.forEach((item, i) => {
    if (item.tags.length === 0) {
      anyTagless = true;
      for (const type of item.types ?? []) tagless.add(type);
      return;
    }
    const [first, ...rest] = item.tags as [string, ...string[]];
    params[`i${i}t0`] = first;
    let tagShape: string;
    if (rest.length > MAX_TAG_JOINS) {
      params[`i${i}tj`] = JSON.stringify(rest);
      params[`i${i}tn`] = rest.length;
      tagShape = 'j';
    } else {
      rest.forEach((tag, k) => (params[`i${i}t${k + 1}`] = tag));
      tagShape = String(item.tags.length);
    }
    const types = item.types ?? [];
    let typeShape: string;
    if (types.length > MAX_TYPE_ARMS) {
      params[`i${i}yj`] = JSON.stringify(types);
      typeShape = 'j';
    } else {
      types.forEach((type, k) => (params[`i${i}y${k}`] = type));
      typeShape = String(types.length);
    }
    shape.push(`${i}:${tagShape}:${typeShape}`);
  });
  if (anyTagless) {
    const list = [...tagless];
    if (list.length > MAX_TYPE_ARMS) {
      params.types = JSON.stringify(list);
      shape.push('types:json');
    } else {
      list.forEach((type, k) => (params[`y${k}`] = type));
      shape.push(`types:${list.length}`);
    }
  }
  if (query.items.length === 0) shape.push('all');
  return { shape: shape.join(','), params };
}

/**
 * The arms of a planned query: each selects the matching events after
 * `@after`, in position order, at most `@limit` of them: their positions, or
 * with `rows` their feed columns (the events table is then joined in every arm).
 */
function arms(plan: EventQueryPlan, rows = false): string[] {
  const out: string[] = [];
  const columns = rows ? FEED_EVENT_COLUMNS : 'position';
  const tail = 'ORDER BY position LIMIT @limit';
  for (const part of plan.shape.split(',')) {
    if (part === 'all') {
      out.push(`SELECT ${columns} FROM ${EVENTS_TABLE} WHERE position > @after ${tail}`);
    } else if (part === 'types:json') {
      out.push(
        `SELECT ${columns} FROM ${EVENTS_TABLE} INDEXED BY ${TYPE_INDEX} WHERE type IN (SELECT value FROM json_each(@types)) AND position > @after ${tail}`,
      );
    } else if (part.startsWith('types:')) {
      const count = Number(part.slice('types:'.length));
      for (let k = 0; k < count; k++)
        out.push(
          `SELECT ${columns} FROM ${EVENTS_TABLE} INDEXED BY ${TYPE_INDEX} WHERE type = @y${k} AND position > @after ${tail}`,
        );
    } else {
      out.push(taggedArm(part, rows));
    }
  }
  return out;
}

/** The arm of one item with tags (`part`: its shape, `index:tags:types`). */
function taggedArm(part: string, rows: boolean): string {
  const [i, tags, types] = part.split(':') as [string, string, string];
  // CROSS JOIN keeps the walk on the first tag's index; the rest are point lookups.
  let from = `${EVENT_TAGS_TABLE} g`;
  const where = [`g.tag = @i${i}t0`, 'g.position > @after'];
  if (tags === 'j') {
    where.push(
      `(SELECT count(*) FROM ${EVENT_TAGS_TABLE} r WHERE r.position = g.position AND r.tag IN (SELECT value FROM json_each(@i${i}tj))) = @i${i}tn`,
    );
  } else {
    for (let k = 1; k < Number(tags); k++) {
      from += ` CROSS JOIN ${EVENT_TAGS_TABLE} g${k}`;
      where.push(`g${k}.tag = @i${i}t${k}`, `g${k}.position = g.position`);
    }
  }
  if (types !== '0' || rows) {
    from += ` CROSS JOIN ${EVENTS_TABLE} e`;
    where.push('e.position = g.position');
  }
  if (types !== '0') {
    const list =
      types === 'j'
        ? `SELECT value FROM json_each(@i${i}yj)`
        : Array.from({ length: Number(types) }, (_, k) => `@i${i}y${k}`).join(', ');
    where.push(`e.type IN (${list})`);
  }
  const columns = rows
    ? FEED_EVENT_COLUMNS.split(', ')
        .map((column) => `e.${column}`)
        .join(', ')
    : 'g.position AS position';
  return `SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY g.position LIMIT @limit`;
}

/**
 * The read of a planned query: the matching events after `@after`, in feed
 * order, at most `@limit` (-1: no limit), as feed rows. A query of one walk
 * reads the rows in it; several walks are merged by position first, then each
 * position is one rowid lookup (CROSS JOIN). Never a scan of the table.
 */
export function readByQuerySql(plan: EventQueryPlan): string {
  const list = arms(plan);
  if (list.length === 1) return arms(plan, true)[0] as string;
  const positions = list.map((arm) => `SELECT * FROM (${arm})`).join(' UNION ');
  return `WITH matched(p) AS (${positions})
  SELECT ${FEED_EVENT_COLUMNS} FROM matched CROSS JOIN ${EVENTS_TABLE} ON position = matched.p
  ORDER BY matched.p LIMIT @limit`;
}

/**
 * Whether an event matching a planned query exists after `@after` (1 or 0);
 * each arm stops at its first match (`@limit` is 1).
 */
export function queryMatchExistsSql(plan: EventQueryPlan): string {
  return `SELECT ${arms(plan)
    .map((arm) => `EXISTS (${arm})`)
    .join(' OR ')}`;
}
