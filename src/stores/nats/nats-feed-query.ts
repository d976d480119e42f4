import { categoryOf } from '../../core/stream-id.js';
import type { FeedFilterQuery } from '../kernel/event-store-driver.js';
import type { NatsRow } from './nats-rows.js';
import type { NatsSubjects } from './nats-subjects.js';

/**
 * A feed filter as a subject filter and a row check: one category reads only
 * that category's subjects (JetStream filters them in the server); several
 * categories and event types are checked on each event read.
 */
export interface NatsFeedQuery {
  readonly subject: string;
  matches(row: NatsRow): boolean;
}

/** The subject and the check of a feed filter. */
export function feedQuery(subjects: NatsSubjects, filter: FeedFilterQuery): NatsFeedQuery {
  const { types, categories } = filter;
  const subject =
    categories?.length === 1 ? subjects.ofCategory(categories[0] as string) : subjects.all;
  const typeSet = types === undefined ? undefined : new Set(types);
  const categorySet =
    categories === undefined || categories.length === 1 ? undefined : new Set(categories);
  return {
    subject,
    matches: (row) =>
      (typeSet === undefined || typeSet.has(row.type)) &&
      (categorySet === undefined || categorySet.has(categoryOf(row.streamId))),
  };
}
