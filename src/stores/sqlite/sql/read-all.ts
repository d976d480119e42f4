import { SELECT_FEED_EVENTS } from './event-columns.js';

/** Parameters: the position to read after (exclusive) and the limit. */
export type ReadAllParams = [after: number, limit: number];

/** A page of the whole global feed, in position order: a range scan of the rowid. */
export const READ_ALL = `${SELECT_FEED_EVENTS} WHERE position > ? ORDER BY position LIMIT ?`;
