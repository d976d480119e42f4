import type { EventStore } from '../../core/event-store.js';
import type { Position } from '../../core/position.js';

/** The most events the console reads at start to count event types; above it, counting starts at the head. */
export const TYPE_SCAN_CAP = 100_000;

/** How many minutes of append counts the console keeps. */
const KEPT_MINUTES = 60;

const MINUTE = 60_000;

/** Appends in one minute. */
export interface MinuteCount {
  /** The minute's start, ISO 8601. */
  readonly start: string;
  readonly count: number;
}

/** Events per type, and what they were counted over. */
export interface TypeCounts {
  readonly types: readonly { readonly type: string; readonly count: number }[];
  /** Events counted. */
  readonly counted: number;
  /**
   * False when the feed held more than {@link TYPE_SCAN_CAP} events at start:
   * then only the events appended since the console started are counted.
   */
  readonly complete: boolean;
}

/**
 * Reads the feed as it grows, counting events per type and per minute of
 * their recording (the store has no count per type: the console keeps its
 * own). At start it reads the whole feed when it holds at most
 * {@link TYPE_SCAN_CAP} events, else it starts at the head.
 */
export class FeedStats {
  private readonly byType = new Map<string, number>();
  private readonly byMinute = new Map<number, number>();
  private cursor: Position | undefined;
  private counted = 0;
  private complete = true;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly store: EventStore) {}

  /** Decides where to start, then reads up to the head. */
  async start(): Promise<void> {
    const total = await this.store.countEventsAfter(undefined, {}, TYPE_SCAN_CAP + 1);
    if (total > TYPE_SCAN_CAP) {
      this.complete = false;
      this.cursor = await this.store.headPosition();
    }
    await this.catchUp();
  }

  /** Reads what was appended since the last call; calls made while reading run once more after it. */
  catchUp(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.readToEnd();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async readToEnd(): Promise<void> {
    for (;;) {
      const page = await this.store.readAllPage({ after: this.cursor, limit: 1000 });
      for (const event of page.events) {
        this.byType.set(event.type, (this.byType.get(event.type) ?? 0) + 1);
        const minute = Math.floor(event.recordedAt.getTime() / MINUTE) * MINUTE;
        if (minute >= Date.now() - KEPT_MINUTES * MINUTE)
          this.byMinute.set(minute, (this.byMinute.get(minute) ?? 0) + 1);
      }
      this.counted += page.events.length;
      this.cursor = page.next;
      if (page.isEnd) break;
    }
    const oldest = Date.now() - KEPT_MINUTES * MINUTE;
    for (const minute of this.byMinute.keys()) if (minute < oldest) this.byMinute.delete(minute);
  }

  /** The counts per type, most frequent first. */
  types(): TypeCounts {
    const types = [...this.byType]
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    return { types, counted: this.counted, complete: this.complete };
  }

  /** Appends per minute over the last `minutes` minutes (at most 60), oldest first, the current minute last. */
  rate(minutes: number, now = Date.now()): MinuteCount[] {
    const current = Math.floor(now / MINUTE) * MINUTE;
    const out: MinuteCount[] = [];
    for (let i = Math.min(minutes, KEPT_MINUTES) - 1; i >= 0; i--) {
      const start = current - i * MINUTE;
      out.push({ start: new Date(start).toISOString(), count: this.byMinute.get(start) ?? 0 });
    }
    return out;
  }
}
