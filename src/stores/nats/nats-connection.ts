import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { loadJetStream } from './nats-modules.js';
import { decodeBody, type NatsStoredMessage } from './nats-rows.js';
import { NatsSubjects } from './nats-subjects.js';
import { natsError } from './nats-errors.js';

/** How many messages a scan reads by direct gets before it creates an ordered consumer. */
const DIRECT_READS = 8;
/** The most messages one fetch of a scan's consumer asks for. */
const FETCH_BATCH = 512;

/**
 * The store's handle on one JetStream stream: the connection, the JetStream
 * clients, the subjects, and the reads every operation is built from (the last
 * message of a subject, a message by sequence, the head, and scans).
 */
export class NatsStreamHandle {
  readonly js: JetStreamClient;
  readonly subjects: NatsSubjects;
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

  /** The last message of a subject (`undefined`: none). */
  async lastOf(subject: string): Promise<NatsStoredMessage | undefined> {
    const jsm = await this.manager();
    try {
      return this.#stored(await jsm.direct.getMessage(this.name, { last_by_subj: subject }));
    } catch (error) {
      throw natsError('reading the last message of a stream', error);
    }
  }

  /** The first message at or after `seq` on `subject` (a wildcard allowed), `undefined`: none. */
  async nextOf(subject: string, seq: number): Promise<NatsStoredMessage | undefined> {
    const jsm = await this.manager();
    try {
      return this.#stored(await jsm.direct.getMessage(this.name, { next_by_subj: subject, seq }));
    } catch (error) {
      throw natsError('reading a message', error);
    }
  }

  /** The message at `seq` (`undefined`: none, or not the store's). */
  async at(seq: number): Promise<NatsStoredMessage | undefined> {
    const jsm = await this.manager();
    try {
      return this.#stored(await jsm.direct.getMessage(this.name, { seq }));
    } catch (error) {
      throw natsError('reading a message', error);
    }
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

  /**
   * The messages of `subject` (a wildcard allowed) from sequence `from` on, up
   * to `to` when given, in order: a few by direct gets, then through an
   * ordered consumer (deleted at the end), so a long scan costs no round trip
   * per message. Stop iterating to stop the scan.
   */
  async *scan(subject: string, from: number, to?: number): AsyncGenerator<NatsStoredMessage> {
    let seq = from;
    for (let i = 0; i < DIRECT_READS; i++) {
      if (to !== undefined && seq > to) return;
      const message = await this.nextOf(subject, seq);
      if (message === undefined || (to !== undefined && message.seq > to)) return;
      yield message;
      seq = message.seq + 1;
    }
    yield* this.#consume(subject, seq, to);
  }

  async *#consume(
    subject: string,
    from: number,
    to: number | undefined,
  ): AsyncGenerator<NatsStoredMessage> {
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
      let pending = (await consumer.info(true)).num_pending;
      while (pending > 0) {
        const batch = Math.min(pending, FETCH_BATCH);
        const messages = await consumer.fetch({ max_messages: batch, expires: this.timeoutMs });
        let got = 0;
        for await (const message of messages) {
          got++;
          pending--;
          if (to !== undefined && message.seq > to) {
            messages.stop();
            return;
          }
          const body = decodeBody(message.data);
          if (body !== undefined)
            yield {
              seq: message.seq,
              time: new Date(Math.floor(message.info.timestampNanos / 1e6)),
              body,
            };
          if (got === batch) break;
        }
        if (got < batch) throw new Error(`the reader got ${got} of ${batch} messages in time`);
      }
    } catch (error) {
      throw natsError('reading messages', error);
    } finally {
      consumer.delete().catch(() => undefined);
    }
  }

  #stored(message: StoredMsg | null): NatsStoredMessage | undefined {
    if (message === null) return undefined;
    const body = decodeBody(message.data);
    return body === undefined ? undefined : { seq: message.seq, time: message.time, body };
  }
}
