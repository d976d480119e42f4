import type { EventMetadata, RecordedEvent } from '../../core/events.js';
import {
  NO_TAGS,
  readThrough,
  toRecordedEvents,
  type MutableRecordedEvent,
  type StoredEventRow,
} from '../../core/recorded.js';
import type { EventRegistry } from '../../core/registry.js';
import type { PersonalDataCipher } from '../../core/personal-data.js';
import type { FeedEventRow, StreamEventRow } from './sql/event-columns.js';
import { sequencePosition } from '../../core/position.js';

type Recorded = RecordedEvent[] | Promise<RecordedEvent[]>;

/** Turns the raw rows of one stream's read (no stream id column) into recorded events. */
export function streamRowsToRecorded(
  streamId: string,
  rows: readonly StreamEventRow[],
  registry: EventRegistry | undefined,
  personalData?: PersonalDataCipher,
): Recorded {
  return rowsToRecorded(rows, registry, streamId, personalData);
}

/** Turns the raw rows of a feed read (stream id in column 1) into recorded events. */
export function feedRowsToRecorded(
  rows: readonly FeedEventRow[],
  registry: EventRegistry | undefined,
  personalData?: PersonalDataCipher,
): Recorded {
  return rowsToRecorded(rows, registry, undefined, personalData);
}

/**
 * Builds recorded events from raw rows: `position` first, then the stream id
 * (only when `streamId` is not given), then version, event id, type, data,
 * metadata, recorded at, tags (a JSON array or NULL), schema version (NULL: 1).
 * Builds them directly (one object per event), then, when the registry needs
 * it, reads them through it (upcasting and reviving, the core's
 * `readThrough`); when stored JSON does not parse, goes through the core's
 * `toRecordedEvents`, which raises the canonical errors.
 */
function rowsToRecorded(
  rows: readonly (StreamEventRow | FeedEventRow)[],
  registry: EventRegistry | undefined,
  streamId: string | undefined,
  personalData: PersonalDataCipher | undefined,
): Recorded {
  const at = streamId === undefined ? 2 : 1; // the column of the version
  let built: MutableRecordedEvent[] | undefined;
  // With personal data, the core decrypts: it needs the stored JSON text.
  if (personalData === undefined) {
    try {
      const out = new Array<MutableRecordedEvent>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as unknown[];
        const metadata = row[at + 4] as string | null;
        const schemaVersion = row[at + 7] as number | null;
        const event: MutableRecordedEvent = {
          streamId: streamId ?? (row[1] as string),
          version: row[at] as number,
          position: sequencePosition(row[0] as number),
          id: row[at + 1] as string,
          type: row[at + 2] as string,
          data: JSON.parse(row[at + 3] as string) as unknown,
          metadata: metadata === null ? {} : (JSON.parse(metadata) as EventMetadata),
          recordedAt: new Date(row[at + 5] as number),
          tags: tagsOf(row[at + 6] as string | null),
        };
        if (schemaVersion !== null && schemaVersion !== 1) event.schemaVersion = schemaVersion;
        out[i] = event;
      }
      built = out;
    } catch {
      // Fall through: the core names the event whose JSON is broken.
    }
  }
  if (built !== undefined)
    return registry?.needsRevive === true ? readThrough(built, registry) : built;
  return toRecordedEvents(
    rows.map((r): StoredEventRow => ({
      streamId: streamId ?? (r[1] as string),
      version: r[at] as number,
      position: sequencePosition(r[0]),
      id: r[at + 1] as string,
      type: r[at + 2] as string,
      data: r[at + 3] as string,
      metadata: r[at + 4] as string | null,
      recordedAt: new Date(r[at + 5] as number),
      tags: tagsOf(r[at + 6] as string | null),
      schemaVersion: r[at + 7] as number | null,
    })),
    registry,
    personalData,
  );
}

/** An event's tags from its `tags` column: NULL (none, or written before tags existed) is the shared empty list. */
function tagsOf(json: string | null): readonly string[] {
  return json === null ? NO_TAGS : (JSON.parse(json) as string[]);
}
