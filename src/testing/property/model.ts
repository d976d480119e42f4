import type { EventStore } from '../../core/event-store.js';
import type { NewEvent } from '../../core/events.js';
import type { ExpectedVersion } from '../../core/expected-version.js';
import type { AppendResult } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';
import { categoryOf } from '../../core/stream-id.js';

/** One event as the model knows it. */
export interface ModelEvent {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly n: number;
  readonly id: string | undefined;
}

/** A successful append with caller-given ids, kept so it can be retried. */
export interface RememberedAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedVersion: ExpectedVersion;
  readonly result: AppendResult;
}

/** The simple model the store is compared with: lists of events. */
export class StoreModel {
  readonly streams = new Map<string, ModelEvent[]>();
  readonly all: ModelEvent[] = [];
  counter = 0;
  lastWithIds: RememberedAppend | undefined;

  version(streamId: string): number {
    return this.streams.get(streamId)?.length ?? 0;
  }

  /** Whether an append with `expected` succeeds on the model. */
  accepts(streamId: string, expected: ExpectedVersion): boolean {
    const actual = this.version(streamId);
    if (expected === 'any') return true;
    if (expected === 'no_stream') return actual === 0;
    if (expected === 'stream_exists') return actual > 0;
    return actual === expected;
  }

  append(
    streamId: string,
    events: readonly { type: string; n: number; id: string | undefined }[],
  ): void {
    const list = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, list);
    for (const e of events) {
      const event = { streamId, version: list.length + 1, ...e };
      list.push(event);
      this.all.push(event);
    }
  }

  /** Events matching feed filters (AND of types and categories). */
  matching(
    types: readonly string[] | undefined,
    categories: readonly string[] | undefined,
  ): ModelEvent[] {
    return this.all.filter(
      (e) =>
        (types === undefined || types.includes(e.type)) &&
        (categories === undefined || categories.includes(categoryOf(e.streamId))),
    );
  }
}

/** The store under test and the positions it gave each event, in model order. */
export interface RealSystem {
  readonly store: EventStore;
  readonly positions: Position[];
}
