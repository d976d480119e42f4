import type { PreparedEvent } from '../../core/append-input.js';
import { encodePosition } from '../../core/position.js';
import { NO_TAGS, type StoredEventRow } from '../../core/recorded.js';

/**
 * A stream's state as every message of its subject carries it (after that
 * message): its last version, its latest soft delete, its truncation, its
 * tombstone and its metadata. Because each write to a stream publishes with
 * the expected last sequence of the stream's subject, the state of its last
 * message is the stream's state, and a tombstone or a delete races no append.
 */
export interface NatsStreamState {
  /** The last version (events numbered so far). */
  readonly v: number;
  /** The last version at the latest soft delete (`null`: none). */
  readonly d: number | null;
  /** The first version still read after a truncation (`null`: none). */
  readonly t: number | null;
  /** Tombstoned. */
  readonly h: boolean;
  /** How many times the metadata was set. */
  readonly mv: number;
  /** The metadata's JSON text (`null`: never set). */
  readonly m: string | null;
  /** Retention: `maxAge` (seconds) and `maxCount` (`null`: none). */
  readonly ma: number | null;
  readonly mc: number | null;
  /** When the stream's last event was recorded (ms since the epoch) when this message holds no event (`null`: none yet). */
  readonly lt?: number | null;
}

/** The state of a stream that has no message. */
export const EMPTY_STATE: NatsStreamState = Object.freeze({
  v: 0,
  d: null,
  t: null,
  h: false,
  mv: 0,
  m: null,
  ma: null,
  mc: null,
});

/** One event as a message body holds it. */
interface StoredEvent {
  /** id, type, data (JSON text), metadata (JSON text or null), tags, schema version (absent: 1) */
  readonly i: string;
  readonly y: string;
  readonly d: string;
  readonly m: string | null;
  readonly g?: readonly string[];
  readonly w?: number;
}

/** A message body: the stream id, the state after it, and its events (none for a state change). */
export interface NatsMessageBody {
  readonly s: string;
  readonly st: NatsStreamState;
  readonly e: readonly StoredEvent[];
}

/** A message of the store as read back (by a direct get or a consumer). */
export interface NatsStoredMessage {
  readonly seq: number;
  readonly time: Date;
  readonly body: NatsMessageBody;
}

/** An event row with what the feed filters need. */
export interface NatsRow extends StoredEventRow {
  readonly seq: number;
  readonly index: number;
  readonly tags: readonly string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The body of an append's message: its events and the stream state after them. */
export function encodeEvents(
  streamId: string,
  state: NatsStreamState,
  events: readonly PreparedEvent[],
): Uint8Array {
  const stored: StoredEvent[] = events.map((event) => {
    const out: {
      i: string;
      y: string;
      d: string;
      m: string | null;
      g?: readonly string[];
      w?: number;
    } = { i: event.id, y: event.type, d: event.data, m: event.metadata };
    if (event.tags.length > 0) out.g = event.tags;
    if (event.schemaVersion !== undefined && event.schemaVersion !== 1) out.w = event.schemaVersion;
    return out;
  });
  const body: NatsMessageBody = { s: streamId, st: state, e: stored };
  return encoder.encode(JSON.stringify(body));
}

/** The body of a state change (delete, truncation, metadata): no events. */
export function encodeState(streamId: string, state: NatsStreamState): Uint8Array {
  const body: NatsMessageBody = { s: streamId, st: state, e: [] };
  return encoder.encode(JSON.stringify(body));
}

/** Reads a message body; `undefined` for a message that is not the store's. */
export function decodeBody(data: Uint8Array): NatsMessageBody | undefined {
  try {
    const body = JSON.parse(decoder.decode(data)) as Partial<NatsMessageBody> | null;
    if (body === null || typeof body !== 'object' || typeof body.s !== 'string') return undefined;
    if (typeof body.st !== 'object' || body.st === null || !Array.isArray(body.e)) return undefined;
    return body as NatsMessageBody;
  } catch {
    return undefined;
  }
}

/** The version of a message's first event (its events follow each other). */
export function firstVersionOf(body: NatsMessageBody): number {
  return body.st.v - body.e.length + 1;
}

/** The event rows of a message, from its `from`-th event (0-based) on. */
export function rowsOf(message: NatsStoredMessage, from = 0): NatsRow[] {
  const { body, seq, time } = message;
  const first = firstVersionOf(body);
  const rows: NatsRow[] = [];
  for (let i = from; i < body.e.length; i++) {
    const event = body.e[i] as StoredEvent;
    rows.push({
      seq,
      index: i,
      streamId: body.s,
      version: first + i,
      position: encodePosition(seq, i),
      id: event.i,
      type: event.y,
      data: event.d,
      metadata: event.m,
      recordedAt: time,
      tags: event.g ?? NO_TAGS,
      schemaVersion: event.w ?? null,
    });
  }
  return rows;
}
