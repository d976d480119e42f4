import type { Client, ClientConfig, Notification } from 'pg';
import {
  AppendSignal,
  appendSubscription,
  type AppendSubscription,
} from '../../core/append-signal.js';
import { loadPg } from './pg-driver.js';
import { listenSql } from './sql/notify.js';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * One `LISTEN` connection shared by every listener of a store, opened with the
 * first listener and closed with the last. It reconnects with backoff when the
 * connection drops, and wakes every listener after reconnecting, since
 * notifications sent meanwhile were lost. Wake-ups go through the core's
 * {@link AppendSignal}: coalesced, once per turn of the event loop.
 */
export class AppendListener implements AsyncDisposable {
  readonly #config: ClientConfig;
  readonly #channel: string;
  readonly #signal = new AppendSignal();
  #listeners = 0;
  #client: Client | undefined;
  #connected: Promise<void> | undefined;
  #resolveConnected: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #backoff = MIN_BACKOFF_MS;
  #closed = false;

  constructor(config: ClientConfig, channel: string) {
    this.#config = config;
    this.#channel = channel;
  }

  /**
   * Adds a listener; the returned subscription (also `using`/`await using`)
   * removes it, and its `ready` resolves once `LISTEN` is active (at once,
   * and for nothing, after `close()`).
   */
  add(listener: () => void): AppendSubscription {
    if (this.#closed) return appendSubscription(() => undefined, Promise.resolve());
    // A function of its own per subscription, so adding one listener twice needs two stops.
    const stopSignal = this.#signal.add(() => {
      listener();
    });
    this.#listeners++;
    if (this.#connected === undefined) {
      this.#connected = new Promise((resolve) => (this.#resolveConnected = resolve));
      this.#connect();
    }
    let active = true;
    return appendSubscription(() => {
      if (!active) return;
      active = false;
      stopSignal();
      if (--this.#listeners === 0) void this.#disconnect();
    }, this.#connected);
  }

  /**
   * Wakes every listener soon (once per turn of the event loop), without the
   * server: for this store's own appends when it sends no `NOTIFY`.
   */
  wakeSoon(): void {
    this.#signal.notify();
  }

  /** Closes the connection for good and drops every listener. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#signal.clear();
    this.#listeners = 0;
    await this.#disconnect();
  }

  /** `await using`: the same as {@link AppendListener.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #connect(): void {
    if (this.#closed || this.#listeners === 0) return;
    const { Client: PgClient } = loadPg();
    const client = new PgClient(this.#config);
    this.#client = client;
    const retry = () => this.#dropped(client);
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', (message: Notification) => {
      if (message.channel === this.#channel) this.#signal.notify();
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
        if (reconnected) this.#signal.notify();
      })
      .catch(retry);
  }

  #dropped(client: Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.#closed || this.#listeners === 0) return;
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
}
