import type { RecordedEvent } from '../../core/events.js';
import { Deferred } from '../../subscriptions/deferred.js';
import { BrokerUnavailableError } from './outbox-errors.js';
import type { Publisher } from './publisher.js';

/** One publish of one event: queued (prefetched, not sent yet), sent, confirmed or failed. */
interface Attempt {
  readonly event: RecordedEvent;
  state: 'queued' | 'sent' | 'confirmed' | 'failed';
  readonly done: Deferred;
}

/** What the forwarder's status shows of its pipeline. */
export interface PipelineCounters {
  /** Publishes sent and not yet confirmed (or failed) now. */
  readonly inFlight: number;
  /** The most publishes ever in flight at once (never above `maxInFlight`). */
  readonly peakInFlight: number;
  /** Events the broker confirmed. */
  readonly confirmed: number;
  /** Publishes that failed (each retry counts). */
  readonly failed: number;
}

/**
 * Publishes a subscription's events ahead of its handler calls: the events of
 * a page are sent as soon as their stream has nothing unconfirmed (one
 * unconfirmed event per stream, so a retry never overtakes a later event of
 * its stream) and fewer than `maxInFlight` publishes are in flight; `apply`
 * then waits for its event's confirmation, and a failed event is sent again
 * only when the subscription retries it.
 *
 * @internal
 */
export class PublishPipeline {
  readonly #publisher: Publisher;
  readonly #maxInFlight: number;
  readonly #timeoutMs: number;
  /** The current page's attempts by event id (the latest attempt of each event). */
  #page = new Map<string, Attempt>();
  /** The page's queued attempts, in feed order. */
  #queue: Attempt[] = [];
  /** Streams with an event sent and unconfirmed, or failed in this page. */
  #blocked = new Set<string>();
  #slotWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #inFlight = 0;
  #peak = 0;
  #confirmed = 0;
  #failed = 0;

  constructor(publisher: Publisher, maxInFlight: number, timeoutMs: number) {
    this.#publisher = publisher;
    this.#maxInFlight = maxInFlight;
    this.#timeoutMs = timeoutMs;
  }

  get counters(): PipelineCounters {
    const [inFlight, peakInFlight] = [this.#inFlight, this.#peak];
    return { inFlight, peakInFlight, confirmed: this.#confirmed, failed: this.#failed };
  }

  /** A new page: forgets the last one's attempts (those in flight still count) and starts sending. */
  prefetch(events: readonly RecordedEvent[]): void {
    this.#page = new Map();
    this.#queue = [];
    this.#blocked = new Set();
    for (const event of events) {
      const attempt = newAttempt(event);
      this.#page.set(event.id, attempt);
      this.#queue.push(attempt);
    }
    this.#pump();
  }

  /** Resolves when `event` is confirmed; rejects with the publish's error (the subscription retries). */
  async apply(event: RecordedEvent): Promise<void> {
    let attempt = this.#page.get(event.id);
    if (attempt === undefined || attempt.state === 'failed') {
      // A retry, a parked event replayed, or an event the page did not announce: send it alone.
      attempt = newAttempt(event);
      this.#page.set(event.id, attempt);
    }
    if (attempt.state === 'queued') {
      // Every event before it is done (the subscription applies in order): its stream is free.
      while (this.#inFlight >= this.#maxInFlight && attempt.state === 'queued') {
        await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
      }
      if (attempt.state === 'queued') this.#send([attempt]);
    }
    return attempt.done.promise;
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Sends the queued attempts whose stream is free, in order, while slots are free. */
  #pump(): void {
    const batch: Attempt[] = [];
    const seen = new Set<string>();
    const rest: Attempt[] = [];
    for (const attempt of this.#queue) {
      if (attempt.state !== 'queued') continue;
      const stream = attempt.event.streamId;
      const free = !this.#blocked.has(stream) && !seen.has(stream);
      seen.add(stream);
      if (free && this.#inFlight + batch.length < this.#maxInFlight) batch.push(attempt);
      else rest.push(attempt);
    }
    this.#queue = rest;
    if (batch.length > 0) this.#send(batch);
  }

  #send(batch: Attempt[]): void {
    for (const attempt of batch) {
      attempt.state = 'sent';
      this.#blocked.add(attempt.event.streamId);
    }
    this.#inFlight += batch.length;
    this.#peak = Math.max(this.#peak, this.#inFlight);
    let confirms: readonly Promise<void>[];
    try {
      confirms = this.#publisher.publish(batch.map((attempt) => attempt.event));
    } catch (error) {
      confirms = batch.map(() => Promise.reject(error as Error));
    }
    batch.forEach((attempt, i) => {
      const confirm = confirms[i] ?? Promise.reject(new Error('the publisher returned no promise'));
      void this.#settle(attempt, withTimeout(confirm, this.#timeoutMs, this.#publisher.name));
    });
  }

  async #settle(attempt: Attempt, confirm: Promise<void>): Promise<void> {
    try {
      await confirm;
      attempt.state = 'confirmed';
      this.#confirmed++;
      if (this.#page.get(attempt.event.id) === attempt)
        this.#blocked.delete(attempt.event.streamId);
      attempt.done.resolve();
    } catch (error) {
      attempt.state = 'failed';
      this.#failed++;
      attempt.done.reject(error);
    }
    this.#inFlight--;
    if (this.#inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    this.#slotWaiters.shift()?.();
    this.#pump();
  }
}

function newAttempt(event: RecordedEvent): Attempt {
  const done = new Deferred();
  return { event, state: 'queued', done };
}

/** `confirm`, or a `BrokerUnavailableError` when it has not settled after `ms`. */
function withTimeout(confirm: Promise<void>, ms: number, publisher: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BrokerUnavailableError(publisher, `no confirmation within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([confirm, timeout]).finally(() => clearTimeout(timer));
}
