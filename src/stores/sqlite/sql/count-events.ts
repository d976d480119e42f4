import { EVENTS_TABLE } from './tables.js';

/**
 * Counts the events after `?` (a position), up to a cap (the last `?`); with
 * `types`, then `categories`, a JSON array parameter each before the cap.
 */
export function countEventsSql(types: boolean, categories: boolean): string {
  const where = [
    'position > ?',
    ...(types ? ['type IN (SELECT value FROM json_each(?))'] : []),
    ...(categories ? ['category IN (SELECT value FROM json_each(?))'] : []),
  ].join(' AND ');
  return `SELECT count(*) FROM (SELECT 1 FROM ${EVENTS_TABLE} WHERE ${where} LIMIT ?)`;
}
