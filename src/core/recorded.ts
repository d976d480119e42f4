import { SerializationError } from './errors.js';
import type { EventMetadata, RecordedEvent } from './events.js';
import type { Position } from './position.js';
import type { EventRegistry, UpcastResult } from './registry.js';
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
  /** The version of its definition it was stored at (absent or `null`: 1). */
  readonly schemaVersion?: number | null | undefined;
}

const EMPTY_METADATA: EventMetadata = Object.freeze({});

/** The tags of an event that has none: one frozen empty array, shared (for backend authors). */
export const NO_TAGS: readonly string[] = Object.freeze([]);

/**
 * Turns stored rows into {@link RecordedEvent}s, in three steps: parses the
 * JSON; decrypts personal fields when the store has a `personalData` cipher
 * (a forgotten subject's fields become erased markers); and, when a registry
 * needs it, upcasts older versions and revives the data through each type's
 * schema; an event with erased fields is upcast but not revived (for backend
 * authors). Without a registry the events are as stored (`schemaVersion` set
 * when above 1).
 */
export function toRecordedEvents(
  rows: readonly StoredEventRow[],
  registry: EventRegistry | undefined,
  personalData?: PersonalDataCipher,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  const out = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as StoredEventRow;
    const event: MutableRecordedEvent = {
      streamId: row.streamId,
      version: row.version,
      position: row.position,
      id: row.id,
      type: row.type,
      data: parse(row.data, row, 'data'),
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
  }
  const sealed = personalData === undefined ? [] : sealedEvents(rows, out);
  if (sealed.length === 0) return registry?.needsRevive === true ? readThrough(out, registry) : out;
  return (personalData as PersonalDataCipher)
    .open(sealed)
    .then((erased) =>
      registry?.needsRevive === true ? readThrough(out, registry, erasedData(erased)) : out,
    );
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

/** The data objects (decrypted in place) that hold erased fields. */
function erasedData(erased: ReadonlySet<OpenRequest>): ReadonlySet<unknown> | undefined {
  if (erased.size === 0) return undefined;
  const data = new Set<unknown>();
  for (const request of erased) data.add(request.data);
  return data;
}

/** A recorded event while a backend builds it. */
export type MutableRecordedEvent = { -readonly [K in keyof RecordedEvent]: RecordedEvent[K] };

/**
 * Reads freshly built events (each its own object, `schemaVersion` as
 * stored) through `registry` in place: upcasts older versions and former
 * names, then revives the data through each type's schema, except the
 * events whose data is in `unrevived` (data with erased personal fields,
 * which a schema would refuse). Returns the same array, or a promise of it
 * when a schema is asynchronous (for backend authors; {@link toRecordedEvents}
 * calls it).
 */
export function readThrough(
  events: MutableRecordedEvent[] | RecordedEvent[],
  registry: EventRegistry,
  unrevived?: ReadonlySet<unknown>,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  if (typeof (registry as Partial<EventRegistry>).upcast !== 'function')
    return reviveOnly(events, registry, unrevived);
  let pending: Promise<unknown>[] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as MutableRecordedEvent;
    const read = registry.upcast(
      event.type,
      event.schemaVersion ?? 1,
      event.data,
      () => `${event.streamId}@${event.version}`,
      unrevived?.has(event.data) !== true,
    );
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
  return pending === undefined ? events : Promise.all(pending).then(() => events);
}

/**
 * A registry of an older copy of eventfold (accepted by shape) has no
 * `upcast`: revive only, as that copy did.
 */
function reviveOnly(
  events: MutableRecordedEvent[] | RecordedEvent[],
  registry: EventRegistry,
  unrevived: ReadonlySet<unknown> | undefined,
): RecordedEvent[] | Promise<RecordedEvent[]> {
  let pending: Promise<unknown>[] | undefined;
  for (const item of events) {
    const event = item as MutableRecordedEvent;
    if (unrevived?.has(event.data) === true) continue;
    const revived = registry.revive(event.type, event.data);
    if (revived instanceof Promise)
      (pending ??= []).push(
        (revived as Promise<unknown>).then((value) => {
          event.data = value;
        }),
      );
    else event.data = revived;
  }
  return pending === undefined ? events : Promise.all(pending).then(() => events);
}

/** Sets what a registry read of an event gave: its type, data and version (absent when 1). */
function setRead(event: MutableRecordedEvent, read: UpcastResult): void {
  event.type = read.type;
  event.data = read.data;
  if (read.version !== 1) event.schemaVersion = read.version;
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
