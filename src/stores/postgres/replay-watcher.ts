import {
  AppendSignal,
  appendSubscription,
  type AppendSubscription,
} from '../../core/append-signal.js';

const MAX_BACKOFF_MS = 5_000;

/**
 * The wake-up of a read-only store: a hot standby cannot `LISTEN` (and the
 * primary's `NOTIFY` arrives before the standby has replayed the append), so
 * while it has listeners the store polls the WAL position its server has
 * replayed, every `intervalMs`, and wakes them when it moves. Any replayed
 * change wakes them (other databases' writes too): a hint, never required,
 * as a notification is. The first failed poll wakes them too, so that their
 * next read finds the outage rather than waiting it out unseen; a failed poll
 * is retried with backoff (up to 5 s).
 * Wake-ups go through the core's {@link AppendSignal}: coalesced.
 */
export class ReplayWatcher {
  readonly #signal = new AppendSignal();
  readonly #read: () => Promise<string>;
  readonly #intervalMs: number;
  #listeners = 0;
  #timer: NodeJS.Timeout | undefined;
  #last: string | undefined;
  #failures = 0;
  #started: Promise<void> | undefined;
  #resolveStarted: (() => void) | undefined;
  #closed = false;

  /** `read` answers the server's WAL position (`readWalPosition`). */
  constructor(read: () => Promise<string>, intervalMs: number) {
    this.#read = read;
    this.#intervalMs = intervalMs;
  }

  /** Adds a listener; `ready` resolves after the first poll (at once after `close()`). */
  add(listener: () => void): AppendSubscription {
    if (this.#closed) return appendSubscription(() => undefined, Promise.resolve());
    const stop = this.#signal.add(() => {
      listener();
    });
    this.#listeners++;
    if (this.#started === undefined) {
      this.#started = new Promise((resolve) => (this.#resolveStarted = resolve));
      this.#schedule(0);
    }
    let active = true;
    return appendSubscription(() => {
      if (!active) return;
      active = false;
      stop();
      if (--this.#listeners === 0) this.#halt();
    }, this.#started);
  }

  /** Stops polling for good. */
  close(): void {
    this.#closed = true;
    this.#signal.clear();
    this.#listeners = 0;
    this.#halt();
  }

  #halt(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolveStarted?.();
    this.#resolveStarted = undefined;
    this.#started = undefined;
    this.#last = undefined;
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => void this.#poll(), ms);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const started = this.#started;
    let delay = this.#intervalMs;
    try {
      const lsn = await this.#read();
      this.#failures = 0;
      if (this.#last !== undefined && lsn !== this.#last) this.#signal.notify();
      this.#last = lsn;
    } catch {
      // The server is unreachable for now: wake the readers once as it goes (their next read
      // meets the outage and says so, as a subscription's 'retrying' state), and again once it
      // answers.
      this.#last = '';
      if (this.#failures === 0) this.#signal.notify();
      this.#failures++;
      delay = Math.min(MAX_BACKOFF_MS, this.#intervalMs * 2 ** Math.min(this.#failures, 10));
    }
    // Halted (last listener gone, or closed) while the poll ran: stop here.
    if (started === undefined || this.#started !== started) return;
    this.#resolveStarted?.();
    this.#resolveStarted = undefined;
    this.#schedule(delay);
  }
}
