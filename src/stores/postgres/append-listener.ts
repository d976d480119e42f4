import { Client, type ClientConfig, type Notification } from 'pg';
import type { AppendSubscription } from '../../core/append-signal.js';
import { listenSql } from './sql/notify.js';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * One `LISTEN` connection shared by every listener of a store, opened with the
 * first listener and closed with the last. It reconnects with backoff when the
 * connection drops, and wakes every listener after reconnecting, since
 * notifications sent meanwhile were lost.
 */
export class AppendListener {
  readonly #config: ClientConfig;
  readonly #channel: string;
  readonly #listeners = new Set<() => void>();
  #client: Client | undefined;
  #connected: Promise<void> | undefined;
  #resolveConnected: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoff = MIN_BACKOFF_MS;
  #closed = false;
  #wakeScheduled = false;

  constructor(config: ClientConfig, channel: string) {
    this.#config = config;
    this.#channel = channel;
  }

  /** Adds a listener; the returned function removes it. */
  add(listener: () => void): AppendSubscription {
    this.#listeners.add(listener);
    if (this.#connected === undefined) {
      this.#connected = new Promise((resolve) => (this.#resolveConnected = resolve));
      this.#connect();
    }
    const ready = this.#connected;
    return Object.assign(
      () => {
        if (this.#listeners.delete(listener) && this.#listeners.size === 0) void this.#disconnect();
      },
      { ready },
    );
  }

  /**
   * Wakes every listener soon (once per turn of the event loop), without the
   * server: for this store's own appends when it sends no `NOTIFY`.
   */
  wakeSoon(): void {
    if (this.#wakeScheduled || this.#listeners.size === 0) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#wake();
    });
  }

  /** Closes the connection for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  #connect(): void {
    if (this.#closed || this.#listeners.size === 0) return;
    const client = new Client(this.#config);
    this.#client = client;
    const retry = () => this.#dropped(client);
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message: Notification) => {
      if (message.channel === this.#channel) this.#wake();
    });
    const reconnected = this.#backoff > MIN_BACKOFF_MS;
    client
      .connect()
      .then(() => client.query(listenSql(this.#channel)))
      .then(() => {
        if (this.#client !== client) return;
        this.#backoff = MIN_BACKOFF_MS;
        this.#resolveConnected?.();
        this.#resolveConnected = undefined;
        if (reconnected) this.#wake();
      })
      .catch(retry);
  }

  #dropped(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.#closed || this.#listeners.size === 0) return;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#timer = setTimeout(() => this.#connect(), delay);
    this.#timer.unref();
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#timer);
    this.#resolveConnected?.();
    this.#resolveConnected = undefined;
    this.#connected = undefined;
    this.#backoff = MIN_BACKOFF_MS;
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }

  #wake(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the others still get woken.
      }
    }
  }
}
