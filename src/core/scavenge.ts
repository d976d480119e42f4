import { InvalidOptionError } from './errors.js';
import { checkOption } from './options.js';

/** Options of {@link EventStore.scavenge}. */
export interface ScavengeOptions {
  /** The most events removed per transaction (default 1,000): a long scavenge never holds one huge transaction. */
  batchSize?: number;
  /** Stops the scavenge between two batches: it rejects with the signal's reason; what it removed stays removed. */
  signal?: AbortSignal | undefined;
  /**
   * Also give the space back to the operating system: `VACUUM FULL` of the
   * events and tags tables on PostgreSQL (it takes an exclusive lock on them:
   * appends and reads wait until it ends), `VACUUM` on SQLite (the file
   * shrinks; the database is locked meanwhile). Nothing on the in-memory store.
   * Default `false`.
   */
  compact?: boolean;
}

/** What a scavenge removed from one stream. */
export interface ScavengedStream {
  readonly streamId: string;
  /** How many of its events were removed. */
  readonly eventsRemoved: number;
  /** Whether the stream is tombstoned (hard-deleted): every event was removed; the tombstone stays. */
  readonly tombstoned: boolean;
}

/** What {@link EventStore.scavenge} removed. */
export interface ScavengeReport {
  /** How many streams lost events. */
  readonly streams: number;
  /** How many events were removed in all. */
  readonly eventsRemoved: number;
  /** The streams that lost events, in stream id order: the first {@link MAX_REPORTED_STREAMS}. */
  readonly byStream: readonly ScavengedStream[];
  /** Whether `byStream` lists every stream that lost events (false when more than the cap did). */
  readonly complete: boolean;
}

/** The most streams a {@link ScavengeReport} lists one by one. */
export const MAX_REPORTED_STREAMS = 1000;

/** What one batch of a scavenge of one stream removed (for backend authors). */
export interface ScavengeChunk {
  /** Events removed in this batch (fewer than the batch size: the stream is done). */
  readonly removed: number;
  /** Whether the stream is tombstoned. */
  readonly tombstoned: boolean;
}

/** Checked scavenge options (for backend authors). */
export interface PreparedScavenge {
  readonly batchSize: number;
  readonly signal: AbortSignal | undefined;
  readonly compact: boolean;
}

/** Checks `scavenge`'s options: known keys, a batch size from 1 to 100,000, a signal, a boolean. */
export function prepareScavenge(options: unknown): PreparedScavenge {
  checkOption.object('options', options);
  checkOption.knownKeys('options', options, ['batchSize', 'signal', 'compact']);
  const given = options as ScavengeOptions | undefined;
  checkOption.integer('batchSize', given?.batchSize, 1, 100_000);
  checkOption.boolean('compact', given?.compact);
  const signal = given?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw new InvalidOptionError('signal', signal, 'an AbortSignal');
  return {
    batchSize: given?.batchSize ?? 1000,
    signal,
    compact: given?.compact ?? false,
  };
}

/** Builds a {@link ScavengeReport} one batch at a time (for backend authors). */
export class ScavengeReportBuilder {
  #streams = 0;
  #events = 0;
  readonly #byStream: ScavengedStream[] = [];
  #complete = true;

  /** Records what the batches of one stream removed in all. */
  add(streamId: string, eventsRemoved: number, tombstoned: boolean): void {
    if (eventsRemoved === 0) return;
    this.#streams += 1;
    this.#events += eventsRemoved;
    if (this.#byStream.length < MAX_REPORTED_STREAMS)
      this.#byStream.push({ streamId, eventsRemoved, tombstoned });
    else this.#complete = false;
  }

  /** The report so far. */
  report(): ScavengeReport {
    return {
      streams: this.#streams,
      eventsRemoved: this.#events,
      byStream: [...this.#byStream],
      complete: this.#complete,
    };
  }
}
