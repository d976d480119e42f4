import type { Pool } from 'pg';
import { NOTIFY_SQL } from './sql/notify.js';
import type { PostgresTimeouts } from './postgres-timeouts.js';
import { timed } from './timed-query.js';

/** The default least time between the starts of two notifications, in milliseconds. */
export const DEFAULT_NOTIFY_INTERVAL_MS = 10;

/**
 * Sends the "events appended" notification after appends commit, coalesced:
 * at most one `NOTIFY` is in flight, and after one starts the next waits at
 * least `intervalMs` (default {@link DEFAULT_NOTIFY_INTERVAL_MS}), however many
 * appends happen meanwhile; a lone append is announced at once. Failures are ignored: notifications only
 * wake readers early, polling the feed stays the source of truth.
 */
export class AppendNotifier {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  #busy: Promise<void> | undefined;
  #pending = false;
  #lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    pool: Pool,
    channel: string,
    intervalMs = DEFAULT_NOTIFY_INTERVAL_MS,
    timeouts: Pick<PostgresTimeouts, 'statementTimeoutMs'> = { statementTimeoutMs: 0 },
  ) {
    this.#pool = pool;
    this.#timeoutMs = timeouts.statementTimeoutMs;
    this.#channel = channel;
    this.#intervalMs = intervalMs;
  }

  /** Asks for a notification soon. */
  poke(): void {
    this.#pending = true;
    this.#busy ??= this.#run();
  }

  /** Resolves when no notification is in flight or pending. */
  async idle(): Promise<void> {
    while (this.#busy !== undefined) await this.#busy;
  }

  async #run(): Promise<void> {
    while (this.#pending) {
      const wait = this.#lastStart + this.#intervalMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.#pending = false;
      this.#lastStart = performance.now();
      try {
        await this.#pool.query(
          timed({ text: NOTIFY_SQL, values: [this.#channel, ''] }, this.#timeoutMs),
        );
      } catch {
        // A lost wake-up only delays readers until their next poll.
      }
    }
    this.#busy = undefined;
  }
}
