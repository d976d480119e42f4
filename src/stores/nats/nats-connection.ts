import type { NatsConnection } from '@nats-io/transport-node';
import type {
  ConsumerMessages,
  JetStreamClient,
  JetStreamManager,
  StoredMsg,
} from '@nats-io/jetstream';
import { loadJetStream } from './nats-modules.js';
import { completeBody, decodeBody, type NatsStoredMessage } from './nats-rows.js';
import { NatsSubjects } from './nats-subjects.js';
import { natsError } from './nats-errors.js';

/** The first window of a scan by sequence: how many direct gets go at once. */
const MIN_WINDOW = 8;
/** The largest window of a scan by sequence. */
const MAX_WINDOW = 256;
/** From how many sequences on a scan of every stream reads through an ordered consumer. */
const CONSUMER_THRESHOLD = 256;

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
    for await (const raw of this.#scanRaw(
      this.subjects.removals,
      this.#removalsSeen + 1,
      undefined,
      true,
    )) {
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
   * The messages of streams on `subject` from sequence `from` on, up to `to`
   * (default: the stream's last sequence now), in order. One stream's subject
   * is read by direct gets of its next message; a wildcard (every stream, a
   * category) reads every sequence in the range, keeping the subjects that
   * match: a long range through an ordered consumer without a filter, a short
   * one (or the rest, when the consumer fails) by direct gets pipelined in
   * windows that grow to {@link MAX_WINDOW}. (No filtered consumer: JetStream
   * 2.9's counts of a filtered consumer's pending messages can be wrong, so
   * they cannot tell where a read ends.) Stop iterating to stop the scan.
   */
  async *scan(subject: string, from: number, to?: number): AsyncGenerator<NatsStoredMessage> {
    for await (const raw of this.#scanRaw(subject, from, to)) {
      const message = await this.#stored(raw);
      if (message !== undefined) yield message;
    }
  }

  async *#scanRaw(
    subject: string,
    from: number,
    to?: number,
    sparse = false,
  ): AsyncGenerator<RawMessage> {
    if (sparse || (!subject.endsWith('>') && !subject.endsWith('*'))) {
      let seq = from;
      for (;;) {
        if (to !== undefined && seq > to) return;
        const message = await this.#direct({ next_by_subj: subject, seq });
        if (message === null || (to !== undefined && message.seq > to)) return;
        yield message;
        seq = message.seq + 1;
      }
    }
    const last = to ?? (await this.lastSeq());
    const prefix = subject.slice(0, -1);
    const exact = subject.endsWith('*'); // one more token, no dot after the prefix
    const matches = (message: { subject: string }): boolean =>
      message.subject.startsWith(prefix) &&
      (!exact || message.subject.indexOf('.', prefix.length) === -1);
    let from_ = from;
    if (last - from + 1 >= CONSUMER_THRESHOLD) {
      for await (const message of this.#consume(from, last)) {
        from_ = message.seq + 1;
        if (matches(message)) yield message;
      }
    }
    let window = MIN_WINDOW;
    for (let seq = from_; seq <= last;) {
      const end = Math.min(last, seq + window - 1);
      const reads: Promise<StoredMsg | null>[] = [];
      for (let s = seq; s <= end; s++) reads.push(this.#direct({ seq: s }));
      for (const message of await Promise.all(reads)) {
        if (message !== null && matches(message)) yield message;
      }
      seq = end + 1;
      window = Math.min(window * 2, MAX_WINDOW);
    }
  }

  /**
   * The stream's messages from `from` to `last`, every subject, through an
   * ordered consumer without a filter: its sequence reaches `last` whatever
   * the subjects (a stream's last message is never removed), so no pending
   * count is needed to tell where the read ends. Ends early (the caller goes
   * on by direct gets from the next sequence) when the consumer cannot be
   * made or goes quiet for the store's timeout.
   */
  async *#consume(from: number, last: number): AsyncGenerator<RawMessage & { subject: string }> {
    const { DeliverPolicy } = loadJetStream();
    let messages: ConsumerMessages;
    try {
      const consumer = await this.js.consumers.get(this.name, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: from,
      });
      messages = await consumer.consume({ max_messages: Math.min(1_024, last - from + 1) });
    } catch {
      return; // the direct gets read the range instead
    }
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const watch = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => messages.stop(), this.timeoutMs);
    };
    try {
      watch();
      for await (const message of messages) {
        if (message.seq > last) return;
        watch();
        yield message;
        if (message.seq === last) return;
      }
    } finally {
      clearTimeout(quiet);
      messages.stop();
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
