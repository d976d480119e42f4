import type { EventMetadata, RecordedEvent } from '../../core/events.js';
import { toRecordedEvents, type StoredEventRow } from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import type { FeedEventRow, StreamEventRow } from './sql/event-columns.js';
import { sqlitePosition } from './sqlite-position.js';

type Recorded = RecordedEvent[] | Promise<RecordedEvent[]>;

/**
 * Turns the raw rows of one stream's read into recorded events. When no
 * schema has to revive the data, builds them directly (one object per event);
 * otherwise, or when stored JSON does not parse, goes through the core's
 * `toRecordedEvents`, which revives and raises the canonical errors.
 */
export function streamRowsToRecorded(
  streamId: string,
  rows: readonly StreamEventRow[],
  registry: EventRegistry | undefined,
): Recorded {
  if (registry?.needsRevive !== true) {
    try {
      const out = new Array<RecordedEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [position, version, id, type, data, metadata, recordedAt] = rows[i] as StreamEventRow;
        out[i] = {
          streamId,
          version,
          position: sqlitePosition(position),
          id,
          type,
          data: JSON.parse(data) as unknown,
          metadata: metadata === null ? {} : (JSON.parse(metadata) as EventMetadata),
          recordedAt: new Date(recordedAt),
        };
      }
      return out;
    } catch {
      // Fall through: the core names the event whose JSON is broken.
    }
  }
  return toRecordedEvents(
    rows.map(([position, version, id, type, data, metadata, recordedAt]) =>
      stored(streamId, version, position, id, type, data, metadata, recordedAt),
    ),
    registry,
  );
}

/** Turns the raw rows of a feed read into recorded events, as {@link streamRowsToRecorded} does. */
export function feedRowsToRecorded(
  rows: readonly FeedEventRow[],
  registry: EventRegistry | undefined,
): Recorded {
  if (registry?.needsRevive !== true) {
    try {
      const out = new Array<RecordedEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [position, streamId, version, id, type, data, metadata, recordedAt] = rows[
          i
        ] as FeedEventRow;
        out[i] = {
          streamId,
          version,
          position: sqlitePosition(position),
          id,
          type,
          data: JSON.parse(data) as unknown,
          metadata: metadata === null ? {} : (JSON.parse(metadata) as EventMetadata),
          recordedAt: new Date(recordedAt),
        };
      }
      return out;
    } catch {
      // Fall through: the core names the event whose JSON is broken.
    }
  }
  return toRecordedEvents(
    rows.map(([position, streamId, version, id, type, data, metadata, recordedAt]) =>
      stored(streamId, version, position, id, type, data, metadata, recordedAt),
    ),
    registry,
  );
}

function stored(
  streamId: string,
  version: number,
  position: number,
  id: string,
  type: string,
  data: string,
  metadata: string | null,
  recordedAt: number,
): StoredEventRow {
  return {
    streamId,
    version,
    position: sqlitePosition(position),
    id,
    type,
    data,
    metadata,
    recordedAt: new Date(recordedAt),
  };
}
