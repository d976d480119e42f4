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
  /** An append too large for one message: the sequences of the parts of its events' JSON (then `e` is empty until read). */
  readonly k?: readonly number[];
  /** The subject of those parts. */
  readonly ks?: string;
}

/** A message of the store as read back (by a direct get or a consumer). */
export interface NatsStoredMessage {
  readonly seq: number;
  readonly time: Date;
  readonly body: NatsMessageBody;
  /** How many of its first events a scavenge removed (0: none). */
  readonly removed: number;
}

/** An event row with what the feed filters need. */
export interface NatsRow extends StoredEventRow {
  readonly seq: number;
  readonly index: number;
  readonly tags: readonly string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The events of an append as they are stored: JSON text of an array. */
export function encodeEventList(events: readonly PreparedEvent[]): Uint8Array {
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
  return encoder.encode(JSON.stringify(stored));
}

/**
 * The body of an append's message: the stream id, the state after it, and its
 * events (`list`, from {@link encodeEventList}) or, for an append too large
 * for one message, the sequences of the parts holding them (`parts`).
 */
export function encodeEvents(
  streamId: string,
  state: NatsStreamState,
  list: Uint8Array,
  parts?: { readonly subject: string; readonly seqs: readonly number[] },
): Uint8Array {
  const head = JSON.stringify({ s: streamId, st: state, k: parts?.seqs, ks: parts?.subject });
  if (parts !== undefined) return encoder.encode(head.slice(0, -1) + ',"e":[]}');
  const prefix = encoder.encode(head.slice(0, -1) + ',"e":');
  const out = new Uint8Array(prefix.length + list.length + 1);
  out.set(prefix);
  out.set(list, prefix.length);
  out[out.length - 1] = 0x7d; // }
  return out;
}

/** A body read back whose events are in parts, completed with the parts' bytes in order. */
export function completeBody(body: NatsMessageBody, parts: readonly Uint8Array[]): NatsMessageBody {
  const size = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const e = JSON.parse(decoder.decode(all)) as StoredEvent[];
  return body.ks === undefined
    ? { s: body.s, st: body.st, e }
    : { s: body.s, st: body.st, e, ks: body.ks };
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
  // Events a scavenge removed from the front of the message are not read.
  if (message.removed > from) from = message.removed;
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
