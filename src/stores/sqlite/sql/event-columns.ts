import { EVENTS_TABLE } from './tables.js';

/** The columns every feed read selects, in the order of {@link FeedEventRow}. */
export const FEED_EVENT_COLUMNS =
  'position, stream_id, version, event_id, type, data, metadata, recorded_at, tags, schema_version';

/** The columns a stream read selects (the stream id is known), in the order of {@link StreamEventRow}. */
export const STREAM_EVENT_COLUMNS =
  'position, version, event_id, type, data, metadata, recorded_at, tags, schema_version';

/** A feed row in raw (array) mode. */
export type FeedEventRow = [
  position: number,
  streamId: string,
  version: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string | null,
  recordedAt: number,
  tags: string | null,
  schemaVersion: number | null,
];

/** A stream row in raw (array) mode. */
export type StreamEventRow = [
  position: number,
  version: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string | null,
  recordedAt: number,
  tags: string | null,
  schemaVersion: number | null,
];

/** `SELECT <feed columns> FROM eventfold_events`, the start of every feed query. */
export const SELECT_FEED_EVENTS = `SELECT ${FEED_EVENT_COLUMNS} FROM ${EVENTS_TABLE}`;
