import type { EventStore } from '../core/event-store.js';
import { ValidationError } from '../core/errors.js';
import type { EventMetadata, NewEvent, RecordedEvent } from '../core/events.js';
import { TransferConflictError } from './errors.js';

/**
 * One line of an export: an event as recorded. `position` and `recordedAt`
 * describe where and when the source stored it; an import keeps the stream,
 * version, id, type, data, metadata and tags.
 */
export interface ExportedEvent {
  readonly streamId: string;
  readonly version: number;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  readonly tags: readonly string[];
  readonly position?: string;
  readonly recordedAt?: string;
}

/** What a {@link Loader} keeps of an event: all but where and when the source stored it. */
export type LoadableEvent = Pick<
  ExportedEvent,
  'streamId' | 'version' | 'id' | 'type' | 'data' | 'metadata' | 'tags'
>;

/** The NDJSON line of a recorded event (without the newline). */
export function exportLine(event: RecordedEvent): string {
  const line: ExportedEvent = {
    streamId: event.streamId,
    version: event.version,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    tags: event.tags,
    position: event.position,
    recordedAt: event.recordedAt.toISOString(),
  };
  return JSON.stringify(line);
}

/** An event id as the store accepts it. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses line `n` of an export; a {@link ValidationError} naming the line when it is not one. */
export function parseExportLine(text: string, n: number): ExportedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`Line ${n}: invalid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError(`Line ${n}: expected a JSON object (an exported event)`);
  const e = value as Record<string, unknown>;
  const bad = (field: string, expected: string): never => {
    throw new ValidationError(`Line ${n}: "${field}" must be ${expected}`);
  };
  if (typeof e.streamId !== 'string' || e.streamId.length === 0)
    bad('streamId', 'a non-empty string');
  if (typeof e.version !== 'number' || !Number.isSafeInteger(e.version) || e.version < 1)
    bad('version', 'a positive integer');
  if (typeof e.id !== 'string' || !UUID.test(e.id)) bad('id', 'a UUID');
  if (typeof e.type !== 'string' || e.type.length === 0) bad('type', 'a non-empty string');
  if (!('data' in e)) bad('data', 'present');
  if (
    e.metadata !== undefined &&
    (typeof e.metadata !== 'object' || e.metadata === null || Array.isArray(e.metadata))
  )
    bad('metadata', 'an object');
  if (
    e.tags !== undefined &&
    !(Array.isArray(e.tags) && e.tags.every((t) => typeof t === 'string'))
  )
    bad('tags', 'an array of strings');
  return {
    streamId: e.streamId as string,
    version: e.version as number,
    id: e.id as string,
    type: e.type as string,
    data: e.data,
    metadata: (e.metadata ?? {}) as EventMetadata,
    tags: (e.tags ?? []) as string[],
  };
}

/** The most events written in one append by {@link Loader}. */
const BATCH_EVENTS = 500;
/** The most stream versions {@link Loader} remembers (then it forgets them all: memory stays bounded). */
const VERSION_CACHE = 10_000;

/** What a {@link Loader} did. */
export interface LoadCounts {
  /** Events appended to the target. */
  written: number;
  /** Events the target already held (same stream, version and id). */
  skipped: number;
}

/**
 * Writes events, in the order given (a source's feed order), into `target`,
 * keeping their streams, versions, ids, metadata and tags. Consecutive events
 * of one stream go in one append with the expected version of the one
 * before. Idempotent and resumable: events the target already holds at the
 * same version with the same id are skipped; a target stream holding another
 * event at such a version, or ending before the input's next version, is a
 * {@link TransferConflictError}.
 */
export class Loader {
  readonly #target: EventStore;
  readonly #onWritten: (n: number) => void;
  readonly #versions = new Map<string, number>();
  #batch: LoadableEvent[] = [];
  readonly counts: LoadCounts = { written: 0, skipped: 0 };

  constructor(target: EventStore, onWritten: (n: number) => void) {
    this.#target = target;
    this.#onWritten = onWritten;
  }

  /** Adds one event; writes the pending batch first when it belongs to another stream or is full. */
  async add(event: LoadableEvent): Promise<void> {
    const first = this.#batch[0];
    if (
      first !== undefined &&
      (first.streamId !== event.streamId || this.#batch.length >= BATCH_EVENTS)
    )
      await this.flush();
    const last = this.#batch.at(-1);
    if (last !== undefined && event.version !== last.version + 1) {
      throw new ValidationError(
        `Event ${event.id} of stream "${event.streamId}" has version ${event.version}, expected ${last.version + 1}: the input skips or repeats versions`,
      );
    }
    this.#batch.push(event);
  }

  /** Writes the pending batch. */
  async flush(): Promise<void> {
    const batch = this.#batch;
    this.#batch = [];
    const first = batch[0];
    if (first === undefined) return;
    const streamId = first.streamId;
    const current = await this.#version(streamId);
    const held = batch.filter((e) => e.version <= current);
    if (held.length > 0) await this.#verify(streamId, held);
    const rest = batch.filter((e) => e.version > current);
    const next = rest[0];
    if (next !== undefined) {
      if (next.version !== current + 1) {
        throw new TransferConflictError(
          `Stream "${streamId}" is at version ${current} in the target, but the input goes on at version ${next.version}: nothing of it was written`,
        );
      }
      const events: NewEvent[] = rest.map((e) => ({
        id: e.id,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        tags: e.tags,
      }));
      const result = await this.#target.append(streamId, events, { expectedVersion: current });
      this.#remember(streamId, result.version);
      this.counts.written += rest.length;
    }
    this.counts.skipped += held.length;
    this.#onWritten(batch.length);
  }

  async #version(streamId: string): Promise<number> {
    const known = this.#versions.get(streamId);
    if (known !== undefined) return known;
    const version = await this.#target.getVersion(streamId);
    this.#remember(streamId, version);
    return version;
  }

  #remember(streamId: string, version: number): void {
    if (this.#versions.size >= VERSION_CACHE) this.#versions.clear();
    this.#versions.set(streamId, version);
  }

  /** Checks that the target holds `events` (consecutive versions of one stream) with the same ids. */
  async #verify(streamId: string, events: readonly LoadableEvent[]): Promise<void> {
    const from = (events[0] as LoadableEvent).version;
    const stored = await this.#target.read(streamId, { from, limit: events.length });
    events.forEach((event, i) => {
      const found = stored.events[i];
      if (found?.id !== event.id) {
        throw new TransferConflictError(
          `Stream "${streamId}" holds event ${found?.id ?? '(none)'} at version ${event.version} in the target, the input event ${event.id}: nothing of that batch was written`,
        );
      }
    });
  }
}
