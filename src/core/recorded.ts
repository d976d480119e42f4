import { SerializationError } from './errors.js';
import type { EventMetadata, RecordedEvent } from './events.js';
import type { Position } from './position.js';
import type { EventRegistry, UpcastResult } from './registry.js';

/** A stored event as a backend reads it: data and metadata still JSON text (for backend authors). */
export interface StoredEventRow {
  readonly streamId: string;
  readonly version: number;
  readonly position: Position;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string | null;
  readonly recordedAt: Date;
  /** Its tags (absent or empty when none). */
  readonly tags?: readonly string[] | undefined;
  /** The version of its definition it was stored at (absent or `null`: 1). */
  readonly schemaVersion?: number | null | undefined;
}

const EMPTY_METADATA: EventMetadata = Object.freeze({});

/** The tags of an event that has none: one frozen empty array, shared (for backend authors). */
export const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Turns stored rows into {@link RecordedEvent}s: parses the JSON and, when a
 * registry needs it, upcasts older versions and revives the data through
 * each type's schema (for backend authors). Without a registry the events
 * are as stored (`schemaVersion` set when above 1).
 */
export function toRecordedEvents(
  rows: readonly StoredEventRow[],
  registry: EventRegistry | undefined,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  const upcaster = registry?.needsRevive === true ? registry : undefined;
  const out = new Array<RecordedEvent>(rows.length);
  let pending: Promise<unknown>[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as StoredEventRow;
    const data = parse(row.data, row, 'data');
    const event: { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] } = {
      streamId: row.streamId,
      version: row.version,
      position: row.position,
      id: row.id,
      type: row.type,
      data,
      metadata:
        row.metadata === null
          ? { ...EMPTY_METADATA }
          : (parse(row.metadata, row, 'metadata') as EventMetadata),
      recordedAt: row.recordedAt,
      tags: row.tags === undefined || row.tags.length === 0 ? NO_TAGS : row.tags,
    };
    const stored = row.schemaVersion ?? 1;
    if (stored !== 1) event.schemaVersion = stored;
    out[i] = event;
    if (upcaster !== undefined) {
      const read = upcaster.upcast(row.type, stored, data, () => `${row.streamId}@${row.version}`);
      if (read instanceof Promise) {
        (pending ??= []).push(
          read.then((value) => {
            setRead(event, value);
          }),
        );
      } else {
        setRead(event, read);
      }
    }
  }
  return pending === undefined ? out : Promise.all(pending).then(() => out);
}

/** Sets what a registry read of an event gave: its type, data and version (absent when 1). */
function setRead(
  event: { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] },
  read: UpcastResult,
): void {
  event.type = read.type;
  event.data = read.data;
  if (read.version === 1) delete event.schemaVersion;
  else event.schemaVersion = read.version;
}

function parse(json: string, row: StoredEventRow, field: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    throw new SerializationError(
      `Stored ${field} of event ${row.id} is not valid JSON`,
      `${row.streamId}@${row.version}.${field}`,
      {
        cause,
      },
    );
  }
}
