import { SerializationError } from './errors.js';
import type { EventMetadata, RecordedEvent } from './events.js';
import type { Position } from './position.js';
import type { EventRegistry } from './registry.js';
import { PersonalDataCipher, type OpenRequest } from './personal-data.js';

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
 * Turns stored rows into {@link RecordedEvent}s: parses the JSON, decrypts
 * personal fields when the store has a `personalData` cipher (a forgotten
 * subject's fields become erased markers) and, when a registry needs it,
 * revives the data through each type's schema; an event with erased fields
 * is not revived (for backend authors).
 */
export function toRecordedEvents(
  rows: readonly StoredEventRow[],
  registry: EventRegistry | undefined,
  personalData?: PersonalDataCipher,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  const events = rows.map(toRecordedEvent);
  const sealed = personalData === undefined ? [] : sealedEvents(rows, events);
  if (sealed.length === 0) return reviveEvents(events, rows, registry, undefined);
  return (personalData as PersonalDataCipher)
    .open(sealed)
    .then((erased) => reviveEvents(events, rows, registry, erased));
}

/** Step "decrypt": the events whose stored data may hold personal-field envelopes. */
function sealedEvents(rows: readonly StoredEventRow[], events: RecordedEvent[]): OpenRequest[] {
  const out: OpenRequest[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (PersonalDataCipher.mayHoldEnvelopes((rows[i] as StoredEventRow).data)) {
      const event = events[i] as RecordedEvent;
      out.push({ eventId: event.id, data: event.data });
    }
  }
  return out;
}

type MutableRecorded = { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] };

/** One row, parsed. */
function toRecordedEvent(row: StoredEventRow): MutableRecorded {
  const data = parse(row.data, row, 'data');
  return {
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
}

/** Revives the data of `out` through the registry's schemas, except events with erased fields. */
function reviveEvents(
  out: MutableRecorded[],
  rows: readonly StoredEventRow[],
  registry: EventRegistry | undefined,
  erased: ReadonlySet<OpenRequest> | undefined,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  const revive = registry?.needsRevive === true ? registry : undefined;
  if (revive === undefined) return out;
  const skip = new Set<unknown>();
  if (erased !== undefined) for (const request of erased) skip.add(request.data);
  let pending: Promise<unknown>[] | undefined;
  for (let i = 0; i < out.length; i++) {
    const row = rows[i] as StoredEventRow;
    const event = out[i] as MutableRecorded;
    const data = event.data;
    if (skip.has(data)) continue;
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
