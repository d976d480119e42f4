import { InvalidOptionError, ValidationError } from './errors.js';
import type { NewEvent, Recorded } from './events.js';
import type { Position } from './position.js';
import { readInput } from './read-input.js';

/** The longest tag accepted. */
export const MAX_TAG_LENGTH = 255;
/** The most tags one event may carry. */
export const MAX_TAGS_PER_EVENT = 100;
/** The most items one query may hold. */
export const MAX_QUERY_ITEMS = 100;

/**
 * One alternative of an {@link EventQuery}: an event matches it when its type
 * is one of `types` (when given) and its tags include every one of `tags`
 * (when given). At least one of the two must be given, neither may be empty.
 */
export interface EventQueryItem {
  readonly types?: readonly string[] | undefined;
  readonly tags?: readonly string[] | undefined;
}

/**
 * Which events a decision depends on (a dynamic consistency boundary, as in
 * the specification at dcb.events): the items are OR-ed; an empty list of
 * items matches every event.
 *
 * @example
 * ```ts
 * const query: EventQuery = {
 *   items: [
 *     { types: ['CourseDefined', 'CourseCapacityChanged'], tags: ['course:c1'] },
 *     { types: ['StudentSubscribed'], tags: ['course:c1'] },
 *   ],
 * };
 * ```
 */
export interface EventQuery {
  readonly items: readonly EventQueryItem[];
}

/**
 * The condition of a conditional append: it fails with an
 * `AppendConditionError` when an event matching `failIfEventsMatch` exists
 * after `after` (anywhere in the store when `after` is absent). Checked
 * atomically with the write.
 */
export interface AppendCondition {
  readonly failIfEventsMatch: EventQuery;
  /** Only events after this position count: the `position` of the read the decision was made on. */
  readonly after?: Position | undefined;
}

/** Options of {@link EventStore.readByQuery}. */
export interface ReadByQueryOptions {
  /** Only events after this position (exclusive). */
  after?: Position | undefined;
  /** The most events to return. */
  limit?: number | undefined;
}

/** What {@link EventStore.readByQuery} resolves to. */
export interface QueryReadResult<E extends NewEvent = NewEvent> {
  /** The matching events, in feed order. */
  readonly events: Recorded<E>[];
  /**
   * The position to pass as a condition's `after`: everything the read could
   * see is at or before it (with a `limit` that cut the read short: the last
   * event returned). `undefined` when the store had nothing to see (nor `after`).
   */
  readonly position: Position | undefined;
}

/** A query item, checked: `types` undefined (any type) or distinct and non-empty; `tags` distinct, possibly empty. */
export interface NormalizedQueryItem {
  readonly types: readonly string[] | undefined;
  readonly tags: readonly string[];
}

/** A query, checked (for backend authors): no items means every event. */
export interface NormalizedQuery {
  readonly items: readonly NormalizedQueryItem[];
}

/** Whether an event of `type` with `tags` matches `query` (the one definition every backend agrees with). */
export function eventMatchesQuery(
  query: NormalizedQuery,
  type: string,
  tags: readonly string[],
): boolean {
  if (query.items.length === 0) return true;
  return query.items.some(
    (item) =>
      (item.types === undefined || item.types.includes(type)) &&
      item.tags.every((tag) => tags.includes(tag)),
  );
}

/**
 * Checks a query given by a caller (`name` is how errors name it), throwing an
 * `InvalidOptionError` for anything malformed.
 */
export function normalizeEventQuery(query: unknown, name: string): NormalizedQuery {
  return readInput(() => {
    if (typeof query !== 'object' || query === null || Array.isArray(query))
      throw new InvalidOptionError(name, query, 'a query: { items: [{ types?, tags? }, …] }');
    const items: unknown = (query as { items?: unknown }).items;
    if (!Array.isArray(items))
      throw new InvalidOptionError(`${name}.items`, items, 'an array of query items');
    if (items.length > MAX_QUERY_ITEMS)
      throw new InvalidOptionError(
        `${name}.items`,
        items,
        `at most ${MAX_QUERY_ITEMS} items (got ${items.length})`,
      );
    return { items: items.map((item: unknown, i) => normalizeItem(item, `${name}.items[${i}]`)) };
  }, name);
}

function normalizeItem(item: unknown, name: string): NormalizedQueryItem {
  if (typeof item !== 'object' || item === null || Array.isArray(item))
    throw new InvalidOptionError(name, item, 'a query item: { types?, tags? }');
  const { types, tags } = item as EventQueryItem;
  if (types === undefined && tags === undefined)
    throw new InvalidOptionError(name, item, 'an item with types, tags or both');
  return {
    types: types === undefined ? undefined : names(types, `${name}.types`, 'an event type'),
    tags: tags === undefined ? [] : names(tags, `${name}.tags`, 'a tag'),
  };
}

function names(list: unknown, name: string, what: string): readonly string[] {
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidOptionError(name, list, `a non-empty array of strings, each ${what}`);
  for (const value of list as unknown[]) {
    if (!isName(value))
      throw new InvalidOptionError(
        name,
        list,
        `non-empty strings of at most ${MAX_TAG_LENGTH} characters, valid Unicode, without NUL`,
      );
  }
  return [...new Set(list as string[])];
}

function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= MAX_TAG_LENGTH &&
    !value.includes('\u0000') &&
    value.isWellFormed()
  );
}

/**
 * Checks the `tags` of a new event at `at` (`events[2]`): absent means none;
 * else an array of at most {@link MAX_TAGS_PER_EVENT} distinct valid strings
 * (duplicates are dropped, the first order kept). Throws a `ValidationError`.
 */
export function normalizeTags(tags: unknown, at: string): readonly string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags))
    throw new ValidationError(`Invalid ${at}.tags: expected an array of strings`);
  if (tags.length > MAX_TAGS_PER_EVENT)
    throw new ValidationError(
      `Invalid ${at}.tags: ${tags.length} tags, at most ${MAX_TAGS_PER_EVENT} allowed`,
    );
  for (let i = 0; i < tags.length; i++) {
    if (!isName(tags[i]))
      throw new ValidationError(
        `Invalid ${at}.tags[${i}]: expected a non-empty string of at most ${MAX_TAG_LENGTH} characters, valid Unicode, without NUL`,
      );
  }
  return tags.length === 0 ? [] : [...new Set(tags as string[])];
}
