import { SerializationError } from './errors.js';
import type { EventMetadata, RecordedEvent } from './events.js';
import type { Position } from './position.js';
import type { EventRegistry } from './registry.js';

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
}

const EMPTY_METADATA: EventMetadata = Object.freeze({});

/** The tags of an event that has none: one frozen empty array, shared (for backend authors). */
export const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Turns stored rows into {@link RecordedEvent}s: parses the JSON and, when a
 * registry needs it, revives the data through each type's schema (for backend authors).
 */
export function toRecordedEvents(
  rows: readonly StoredEventRow[],
  registry: EventRegistry | undefined,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  const revive = registry?.needsRevive === true ? registry : undefined;
  const out = new Array<RecordedEvent>(rows.length);
  let pending: Promise<unknown>[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as StoredEventRow;
    const data = parse(row.data, row, 'data');
    const event = {
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
    out[i] = event;
    if (revive !== undefined) {
      const revived = revive.revive(row.type, data);
      if (revived instanceof Promise) {
        (pending ??= []).push(
          (revived as Promise<unknown>).then((value) => {
            event.data = value;
          }),
        );
      } else {
        event.data = revived;
      }
    }
  }
  return pending === undefined ? out : Promise.all(pending).then(() => out);
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
