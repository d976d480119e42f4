import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { loadJetStream } from './nats-modules.js';
import { completeBody, decodeBody, type NatsStoredMessage } from './nats-rows.js';
import { NatsSubjects } from './nats-subjects.js';
import { natsError } from './nats-errors.js';

/** How many messages a scan reads by direct gets before it creates an ordered consumer. */
const DIRECT_READS = 8;
/** The most messages one fetch of a scan's consumer asks for. */
const FETCH_BATCH = 512;

/** A message as JetStream returns it. */
interface RawMessage {
  readonly seq: number;
  readonly time: Date;
  readonly data: Uint8Array;
}

/**
 * The store's handle on one JetStream stream: the connection, the JetStream
 * clients, the subjects, and the reads every operation is built from (the last
 * message of a subject, a message by sequence, the head, and scans), which
 * join the parts of large appends and leave out what a scavenge removed.
 */
export class NatsStreamHandle {
  readonly js: JetStreamClient;
  readonly subjects: NatsSubjects;
  /** By message sequence: how many of its first events a scavenge removed (messages removed whole are gone). */
  readonly removals = new Map<number, number>();
  #removalsSeen = 0;
  #jsm: Promise<JetStreamManager> | undefined;

  constructor(
    readonly connection: NatsConnection,
    readonly name: string,
    readonly timeoutMs: number,
  ) {
    this.js = loadJetStream().jetstream(connection, { timeout: timeoutMs });
    this.subjects = new NatsSubjects(name);
  }

  /** The JetStream manager (created once). */
  manager(): Promise<JetStreamManager> {
    this.#jsm ??= loadJetStream()
      .jetstreamManager(this.connection, { timeout: this.timeoutMs, checkAPI: false })
      .catch((error: unknown) => {
        this.#jsm = undefined;
        throw natsError('opening the JetStream API', error);
      });
    return this.#jsm;
  }

  /** The largest message the server takes, in bytes. */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? 1024 * 1024;
  }

  /** The last message of a subject (`undefined`: none). */
  async lastOf(subject: string): Promise<NatsStoredMessage | undefined> {
    return this.#stored(await this.#direct({ last_by_subj: subject }));
  }

  /** The message at `seq` (`undefined`: none, or not a stream's message). */
  async at(seq: number): Promise<NatsStoredMessage | undefined> {
    return this.#stored(await this.#direct({ seq }));
  }

  /** The sequence number of the stream's last message (0: none). */
  async lastSeq(): Promise<number> {
    const jsm = await this.manager();
    try {
      return (await jsm.streams.info(this.name)).state.last_seq;
    } catch (error) {
      throw natsError('reading the stream state', error);
    }
  }

  /** Reads the scavenge records written since the last call (by any process) into {@link removals}. */
  async refreshRemovals(): Promise<void> {
    for await (const raw of this.#scanRaw(this.subjects.removals, this.#removalsSeen + 1)) {
      this.#removalsSeen = raw.seq;
      try {
        const { q, n } = JSON.parse(new TextDecoder().decode(raw.data)) as { q: number; n: number };
        this.removals.set(q, Math.max(n, this.removals.get(q) ?? 0));
      } catch {
        // Not a record of this store: nothing removed.
      }
    }
  }

  /**
   * The messages of streams on `subject` (a wildcard allowed) from sequence
   * `from` on, up to `to` when given, in order: a few by direct gets, then
   * through an ordered consumer (deleted at the end), so a long scan costs no
   * round trip per message. Stop iterating to stop the scan.
   */
  async *scan(subject: string, from: number, to?: number): AsyncGenerator<NatsStoredMessage> {
    for await (const raw of this.#scanRaw(subject, from, to)) {
      const message = await this.#stored(raw);
      if (message !== undefined) yield message;
    }
  }

  async *#scanRaw(subject: string, from: number, to?: number): AsyncGenerator<RawMessage> {
    let seq = from;
    for (let i = 0; i < DIRECT_READS; i++) {
      if (to !== undefined && seq > to) return;
      const message = await this.#direct({ next_by_subj: subject, seq });
      if (message === null || (to !== undefined && message.seq > to)) return;
      yield message;
      seq = message.seq + 1;
    }
    yield* this.#consume(subject, seq, to);
  }

  async *#consume(
    subject: string,
    from: number,
    to: number | undefined,
  ): AsyncGenerator<RawMessage> {
    let consumer;
    try {
      consumer = await this.js.consumers.get(this.name, {
        filter_subjects: subject,
        opt_start_seq: from,
        inactive_threshold: 60_000,
      });
    } catch (error) {
      throw natsError('creating a reader', error);
    }
    try {
      if ((await consumer.info(true)).num_pending === 0) return;
      // Each message tells how many more the consumer has (`pending`): the scan ends at 0.
      for (;;) {
        let messages;
        try {
          messages = await consumer.fetch({ max_messages: FETCH_BATCH, expires: this.timeoutMs });
        } catch (error) {
          throw natsError('reading messages', error);
        }
        let got = 0;
        for await (const message of messages) {
          got++;
          if (to !== undefined && message.seq > to) {
            messages.stop();
            return;
          }
          const time = new Date(Math.floor(message.info.timestampNanos / 1e6));
          yield { seq: message.seq, time, data: message.data };
          if (message.info.pending === 0) {
            messages.stop();
            return;
          }
          if (got === FETCH_BATCH) break;
        }
        if (got < FETCH_BATCH) return; // the fetch expired: nothing more now
      }
    } finally {
      consumer.delete().catch(() => undefined);
    }
  }

  async #direct(
    query: { seq: number } | { last_by_subj: string } | { next_by_subj: string; seq: number },
  ): Promise<StoredMsg | null> {
    const jsm = await this.manager();
    try {
      return await jsm.direct.getMessage(this.name, query);
    } catch (error) {
      throw natsError('reading a message', error);
    }
  }

  /** A stream's message (its parts joined), or `undefined` for none or another message. */
  async #stored(raw: RawMessage | null): Promise<NatsStoredMessage | undefined> {
    if (raw === null) return undefined;
    let body = decodeBody(raw.data);
    if (body === undefined) return undefined;
    if (body.k !== undefined) {
      const parts = await Promise.all(body.k.map((seq) => this.#direct({ seq })));
      if (parts.some((p) => p === null))
        throw natsError(
          'reading a large append',
          new Error(`a part of message ${raw.seq} is missing`),
        );
      body = completeBody(
        body,
        parts.map((p) => (p as StoredMsg).data),
      );
    }
    return { seq: raw.seq, time: raw.time, body, removed: this.removals.get(raw.seq) ?? 0 };
  }
}
