import { InvalidOptionError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import { fillTemplate, toOutboxMessage } from './outbox-message.js';
import { BrokerUnavailableError, PublishRejectedError } from './outbox-errors.js';
import type { Publisher } from './publisher.js';

/** The part of a `@nats-io/jetstream` client (`jetstream(nc)`) the NATS publisher uses. */
export interface JetStreamPublishClient {
  publish(
    subject: string,
    payload?: Uint8Array | string,
    options?: { msgID?: string; expect?: { streamName?: string }; timeout?: number },
  ): Promise<{ readonly stream: string; readonly seq: number; readonly duplicate: boolean }>;
  jetstreamManager(): Promise<{
    readonly streams: {
      info(stream: string): Promise<unknown>;
      add(config: {
        name: string;
        subjects?: string[];
        duplicate_window?: number;
      }): Promise<unknown>;
    };
  }>;
}

/** Options of {@link natsJetStreamPublisher}. */
export interface NatsJetStreamPublisherOptions {
  /** The JetStream stream that must store the messages (each publish expects it). */
  stream: string;
  /** The subject: a template with `{category}`, `{type}`, `{streamId}` (default `'events.{category}.{type}'`). */
  subject?: string;
  /**
   * Create the stream when it does not exist, with these subjects (default
   * `[subject with every placeholder as *]`) and dedup window (default 2
   * minutes); without it, a missing stream is waited for.
   */
  createStream?: { subjects?: string[]; duplicateWindowMs?: number } | boolean;
  /** How long each publish waits for its PubAck, in milliseconds (default 5,000). */
  timeoutMs?: number;
}

/** Error names of the JetStream client that mean the server refused the message. */
const REFUSED = new Set(['JetStreamApiError', 'JetStreamError', 'InvalidSubjectError']);

/**
 * A {@link Publisher} to NATS JetStream through `@nats-io/jetstream`: each
 * event a JSON message ({@link OutboxMessage}) on the subject from `subject`
 * (characters a subject token cannot hold become `_`), published with
 * `Nats-Msg-Id` = the event id, so the stream's dedup window drops a copy
 * that a retry sends, and confirmed by its PubAck (expecting `stream`).
 * The client is the caller's: `close()` leaves the connection open.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { jetstream } from '@nats-io/jetstream';
 * import { natsJetStreamPublisher } from 'eventfold/outbox';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const publisher = natsJetStreamPublisher(jetstream(nc), { stream: 'EVENTS' });
 * await publisher.close();
 * await nc.close();
 * ```
 */
export function natsJetStreamPublisher(
  client: JetStreamPublishClient,
  options: NatsJetStreamPublisherOptions,
): Publisher {
  if (typeof client !== 'object' || client === null || typeof client.publish !== 'function') {
    throw new InvalidOptionError('client', client, 'a JetStream client');
  }
  checkOption.object('options', options);
  const { stream, subject = 'events.{category}.{type}', createStream, timeoutMs = 5_000 } = options;
  if (typeof stream !== 'string' || stream === '' || /[\s.*>]/.test(stream)) {
    throw new InvalidOptionError('stream', stream, 'a JetStream stream name');
  }
  checkOption.string('subject', subject);
  checkOption.milliseconds('timeoutMs', timeoutMs, 1);
  const name = 'nats-jetstream';
  const create =
    createStream === true
      ? {}
      : createStream === false || createStream === undefined
        ? undefined
        : createStream;
  if (create !== undefined) {
    checkOption.object('createStream', create);
    checkOption.milliseconds('createStream.duplicateWindowMs', create.duplicateWindowMs, 1);
  }
  let ready: Promise<void> | undefined;

  const ensureStream = async (): Promise<void> => {
    if (create === undefined) return;
    const manager = await client.jetstreamManager();
    try {
      await manager.streams.info(stream);
    } catch (error) {
      if ((error as { name?: unknown }).name !== 'StreamNotFoundError') throw error;
      const subjects = create.subjects ?? [subject.replace(/\{(category|type|streamId)\}/g, '*')];
      const window = create.duplicateWindowMs ?? 120_000;
      await manager.streams.add({ name: stream, subjects, duplicate_window: window * 1_000_000 });
    }
  };

  return {
    name,
    publish(events) {
      const prepared = (ready ??= ensureStream().catch((error: unknown) => {
        ready = undefined;
        throw error;
      }));
      return events.map(async (event) => {
        try {
          await prepared;
          const ack = await client.publish(
            fillTemplate(subject, event, token),
            JSON.stringify(toOutboxMessage(event)),
            { msgID: event.id, expect: { streamName: stream }, timeout: timeoutMs },
          );
          if (ack.stream !== stream) {
            throw new PublishRejectedError(name, event.id, `stored by stream ${ack.stream}`);
          }
        } catch (error) {
          if (PublishRejectedError.is(error)) throw error;
          const kind = (error as { name?: unknown }).name;
          const reason = error instanceof Error ? error.message : String(error);
          if (typeof kind === 'string' && REFUSED.has(kind)) {
            throw new PublishRejectedError(name, event.id, reason, { cause: error });
          }
          throw new BrokerUnavailableError(name, reason, { cause: error });
        }
      });
    },
    close: () => Promise.resolve(),
  };
}

/** A subject token: no spaces, dots or wildcards. */
function token(part: string): string {
  return part.replace(/[\s.*>]/g, '_') || '_';
}
