import { InvalidOptionError } from '../../core/errors.js';
import type { RecordedEvent } from '../../core/events.js';
import { checkOption } from '../../core/options.js';
import { fillTemplate, toOutboxMessage } from './outbox-message.js';
import { BrokerUnavailableError, PublishRejectedError } from './outbox-errors.js';
import type { Publisher } from './publisher.js';

/** The part of an `amqplib` confirm channel the RabbitMQ publisher uses. */
export interface AmqpConfirmChannel {
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: AmqpPublishOptions,
    callback: (error: unknown) => void,
  ): boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  close(): Promise<void>;
}

/** The message properties the RabbitMQ publisher sets. */
export interface AmqpPublishOptions {
  messageId: string;
  type: string;
  persistent: boolean;
  mandatory: boolean;
  contentType: string;
  timestamp: number;
  headers: Record<string, string | number>;
}

/** The part of an `amqplib` connection (`await amqplib.connect(url)`) the RabbitMQ publisher uses. */
export interface AmqpConnection {
  createConfirmChannel(): Promise<AmqpConfirmChannel>;
  close(): Promise<void>;
}

/** Options of {@link rabbitMqPublisher}. */
export interface RabbitMqPublisherOptions {
  /** The exchange to publish to (it must exist; `''` is the default exchange). */
  exchange: string;
  /** The routing key: a template with `{category}`, `{type}`, `{streamId}` (default `'{category}.{type}'`). */
  routingKey?: string;
  /**
   * Publish as mandatory (default `true`): a message no queue is bound for
   * comes back, and counts as refused (retried, then parked) instead of being
   * dropped by the broker.
   */
  mandatory?: boolean;
}

/**
 * A {@link Publisher} to RabbitMQ through `amqplib`: one confirm channel,
 * persistent JSON messages ({@link OutboxMessage}) with `messageId` = the
 * event id, `type` = the event type, headers `streamId`, `category`,
 * `version`, `position`, routed by `routingKey`. RabbitMQ has no dedup:
 * a retry after a lost confirmation can deliver a message twice, so
 * consumers drop the message ids they have seen. Pass the connection, or a
 * function that opens one: then a lost connection is opened again (and
 * `close()` closes it); a given connection stays the caller's.
 *
 * @example
 * ```ts
 * import amqplib from 'amqplib';
 * import { rabbitMqPublisher } from 'eventfold/outbox';
 * const publisher = rabbitMqPublisher(() => amqplib.connect('amqp://guest:guest@127.0.0.1:5672'), {
 *   exchange: 'amq.topic',
 * });
 * await publisher.close();
 * ```
 */
export function rabbitMqPublisher(
  connection: AmqpConnection | (() => Promise<AmqpConnection>),
  options: RabbitMqPublisherOptions,
): Publisher {
  const ownsConnection = typeof connection === 'function';
  if (!ownsConnection && (typeof connection !== 'object' || connection === null)) {
    throw new InvalidOptionError(
      'connection',
      connection,
      'an amqplib connection or a function opening one',
    );
  }
  checkOption.object('options', options);
  const { exchange, routingKey = '{category}.{type}', mandatory = true } = options ?? {};
  if (typeof exchange !== 'string') throw new InvalidOptionError('exchange', exchange, 'a string');
  checkOption.string('routingKey', routingKey);
  checkOption.boolean('mandatory', mandatory);
  const name = 'rabbitmq';
  let open: Promise<AmqpConnection> | undefined;
  let channel: Promise<{ channel: AmqpConfirmChannel; state: ChannelState }> | undefined;

  const connect = (): Promise<AmqpConnection> => {
    if (open !== undefined) return open;
    if (!ownsConnection) return (open = Promise.resolve(connection));
    const opening = Promise.resolve().then(() => connection());
    open = opening;
    opening.then(
      // A lost connection emits 'error' (a reset socket): heard here, its channel's 'close' says it.
      (opened) => (opened as { on?: (event: string, f: () => void) => void }).on?.('error', noop),
      // The broker is down: the next publish opens a connection again rather than keep this failure.
      () => (open === opening ? (open = undefined) : undefined),
    );
    return opening;
  };

  const openChannel = async (): Promise<{ channel: AmqpConfirmChannel; state: ChannelState }> => {
    const conn = await connect();
    let created: AmqpConfirmChannel;
    try {
      created = await conn.createConfirmChannel();
    } catch (error) {
      if (ownsConnection) open = undefined; // the connection is gone: open a new one next time
      throw error;
    }
    const state: ChannelState = { closed: false, returned: new Set() };
    created.on('return', (message: { properties: { messageId?: unknown } }) => {
      state.returned.add(String(message.properties.messageId));
    });
    created.on('error', () => undefined); // the 'close' that follows says it
    created.on('close', () => {
      state.closed = true;
      channel = undefined;
      if (ownsConnection) {
        const lost = open;
        open = undefined;
        void lost?.then((c) => c.close()).catch(() => undefined);
      }
    });
    return { channel: created, state };
  };

  const publishOne = (
    target: { channel: AmqpConfirmChannel; state: ChannelState },
    event: RecordedEvent,
  ): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const m = toOutboxMessage(event);
      const { state } = target;
      // amqplib fails the unconfirmed publishes of a closing channel before its other 'close'
      // listeners run: settled a microtask later, `state.closed` tells a nack from a lost channel.
      const done = (error: unknown): void => queueMicrotask(() => settle(error));
      const settle = (error: unknown): void => {
        const returned = state.returned.delete(event.id);
        if (error === null || error === undefined) {
          if (returned)
            reject(
              new PublishRejectedError(name, event.id, 'unroutable: no queue is bound for it'),
            );
          else resolve();
        } else if (state.closed) {
          reject(new BrokerUnavailableError(name, 'the channel closed', { cause: error }));
        } else
          reject(
            new PublishRejectedError(name, event.id, 'nacked by the broker', { cause: error }),
          );
      };
      try {
        target.channel.publish(
          exchange,
          fillTemplate(routingKey, event),
          Buffer.from(JSON.stringify(m)),
          {
            messageId: event.id,
            type: event.type,
            persistent: true,
            mandatory,
            contentType: 'application/json',
            timestamp: Math.floor(event.recordedAt.getTime() / 1000),
            headers: {
              streamId: m.streamId,
              category: m.category,
              version: m.version,
              position: m.position,
            },
          },
          done,
        );
      } catch (error) {
        channel = undefined;
        reject(new BrokerUnavailableError(name, 'the channel is closed', { cause: error }));
      }
    });

  return {
    name,
    publish(events) {
      const ready = (channel ??= openChannel()).catch((error: unknown) => {
        channel = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        throw new BrokerUnavailableError(name, reason, { cause: error });
      });
      return events.map((event) => ready.then((target) => publishOne(target, event)));
    },
    async close() {
      const current = channel;
      channel = undefined;
      await current?.then((c) => c.channel.close()).catch(() => undefined);
      if (ownsConnection) {
        const conn = open;
        open = undefined;
        await conn?.then((c) => c.close()).catch(() => undefined);
      }
    },
  };
}

interface ChannelState {
  closed: boolean;
  /** Message ids the broker returned (unroutable), until their confirmation arrives. */
  readonly returned: Set<string>;
}

function noop(): void {}
