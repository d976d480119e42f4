import { EVENT_TAGS_TABLE } from './tables.js';

/** Parameters of {@link INSERT_TAGS}. */
export type InsertTagsParams = [position: number, tagsJson: string];

/** Indexes one event's tags (a JSON array of distinct tags) in one statement. */
export const INSERT_TAGS = `INSERT INTO ${EVENT_TAGS_TABLE} (tag, position)
  SELECT value, ? FROM json_each(?)`;
