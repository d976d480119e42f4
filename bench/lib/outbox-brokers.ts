/**
 * The brokers of the outbox benchmark (bench/outbox.ts): for each, a fresh destination per run,
 * the eventfold publisher to it, and the raw client publishing the same messages with the same
 * guarantees and the same in-flight window, so that forwarder ÷ raw is what the forwarder costs.
 */
import { randomBytes } from 'node:crypto';
import amqplib, { type ChannelModel } from 'amqplib';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import type { RecordedEvent } from '../../src/index.js';
import {
  natsJetStreamPublisher,
  rabbitMqPublisher,
  redisStreamsPublisher,
  toOutboxMessage,
  type Publisher,
} from '../../src/integrations/outbox/index.js';
import { SCRIPT } from '../../src/integrations/outbox/redis-streams-publisher.js';

/** A broker the benchmark publishes to. */
export type OutboxBenchBroker = 'redis' | 'rabbitmq' | 'nats';

/** Where the brokers are (defaults: the local services). */
export interface BrokerUrls {
  readonly redis?: string | undefined;
  readonly amqp?: string | undefined;
  readonly nats?: string | undefined;
}

/** One run's destination on a broker. */
export interface Destination {
  /** The eventfold publisher to it. */
  publisher(): Publisher;
  /** The raw client: publishes `events` with at most `window` unconfirmed, until all are confirmed. */
  raw(events: readonly RecordedEvent[], window: number): Promise<void>;
  /** Messages the broker holds there. */
  count(): Promise<number>;
  /** Removes it (stream, queue, keys). */
  remove(): Promise<void>;
}

/** A connected broker. */
export interface BrokerBench {
  readonly broker: OutboxBenchBroker;
  destination(): Promise<Destination>;
  close(): Promise<void>;
}

const id = () => randomBytes(4).toString('hex');

/** Sends `events` one by one through `send`, at most `window` unconfirmed at once. */
async function windowed(
  events: readonly RecordedEvent[],
  window: number,
  send: (event: RecordedEvent) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (const event of events) {
    if (inFlight.size >= window) await Promise.race(inFlight);
    const sent = send(event).then(() => void inFlight.delete(sent));
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
}

/** Redis Streams: the publisher's own Lua dedup script, one call per `window` events. */
async function redisBench(url: string): Promise<BrokerBench> {
  const redis = new Redis(url);
  const sha = (await redis.script('LOAD', SCRIPT)) as string;
  return {
    broker: 'redis',
    destination: () => {
      const prefix = `evfbench:${id()}:`;
      const stream = `${prefix}events`;
      const dedupPrefix = `${prefix}dedup:`;
      const ttl = 86_400_000;
      return Promise.resolve({
        publisher: () => redisStreamsPublisher(redis, { stream, dedupPrefix, dedupTtlMs: ttl }),
        raw: async (events, window) => {
          for (let i = 0; i < events.length; i += window) {
            const keys: string[] = [];
            const args: string[] = [String(ttl), '0'];
            for (const event of events.slice(i, i + window)) {
              const m = toOutboxMessage(event);
              keys.push(`${dedupPrefix}${event.id}`, stream);
              args.push(m.id, m.type, m.streamId, m.category, String(m.version), m.position);
              args.push(JSON.stringify(m.data), JSON.stringify(m.metadata), m.recordedAt);
            }
            const reply = (await redis.evalsha(sha, keys.length, ...keys, ...args)) as [number][];
            if (reply.some((r) => r[0] !== 1)) throw new Error('an entry was not added');
          }
        },
        count: () => redis.xlen(stream),
        remove: async () => {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
            if (keys.length > 0) await redis.unlink(...keys);
            cursor = next;
          } while (cursor !== '0');
        },
      });
    },
    close: () => Promise.resolve(redis.disconnect()),
  };
}

/** RabbitMQ: a durable queue, persistent messages, a confirm channel waiting for its confirms. */
async function rabbitBench(url: string): Promise<BrokerBench> {
  const admin: ChannelModel = await amqplib.connect(url);
  const channel = await admin.createChannel();
  return {
    broker: 'rabbitmq',
    destination: async () => {
      const queue = `evfbench-${id()}`;
      await channel.assertQueue(queue, { durable: true });
      return {
        publisher: () =>
          rabbitMqPublisher(() => amqplib.connect(url), { exchange: '', routingKey: queue }),
        raw: async (events, window) => {
          const connection = await amqplib.connect(url);
          try {
            const confirm = await connection.createConfirmChannel();
            await windowed(events, window, (event) => {
              const m = toOutboxMessage(event);
              const options = {
                messageId: event.id,
                type: event.type,
                persistent: true,
                mandatory: true,
                contentType: 'application/json',
                timestamp: Math.floor(event.recordedAt.getTime() / 1000),
                headers: {
                  streamId: m.streamId,
                  category: m.category,
                  version: m.version,
                  position: m.position,
                },
              };
              return new Promise<void>((resolve, reject) => {
                const body = Buffer.from(JSON.stringify(m));
                confirm.publish('', queue, body, options, (error: unknown) =>
                  error === null || error === undefined
                    ? resolve()
                    : reject(new Error(`${event.id} not confirmed`, { cause: error })),
                );
              });
            });
          } finally {
            await connection.close();
          }
        },
        count: async () => (await channel.checkQueue(queue)).messageCount,
        remove: async () => {
          await channel.deleteQueue(queue);
        },
      };
    },
    close: () => admin.close(),
  };
}

/** NATS JetStream: a stream of its own per run, `js.publish` with the msgID, awaiting PubAcks. */
async function natsBench(servers: string): Promise<BrokerBench> {
  const nc: NatsConnection = await natsConnect({ servers });
  const jsm: JetStreamManager = await jetstreamManager(nc);
  const js = jetstream(nc);
  return {
    broker: 'nats',
    destination: async () => {
      const run = id();
      const stream = `EVFBENCH_${run}`;
      await jsm.streams.add({ name: stream, subjects: [`evfbench.${run}.>`] });
      const subject = `evfbench.${run}.{category}.{type}`;
      return {
        publisher: () => natsJetStreamPublisher(js, { stream, subject }),
        raw: (events, window) =>
          windowed(events, window, async (event) => {
            const m = toOutboxMessage(event);
            await js.publish(`evfbench.${run}.${m.category}.${m.type}`, JSON.stringify(m), {
              msgID: event.id,
              expect: { streamName: stream },
            });
          }),
        count: async () => (await jsm.streams.info(stream)).state.messages,
        remove: async () => {
          await jsm.streams.delete(stream);
        },
      };
    },
    close: () => nc.close(),
  };
}

/** Connects to `broker`. */
export function connectBroker(broker: OutboxBenchBroker, urls: BrokerUrls): Promise<BrokerBench> {
  switch (broker) {
    case 'redis':
      return redisBench(urls.redis ?? 'redis://127.0.0.1:6379');
    case 'rabbitmq':
      return rabbitBench(urls.amqp ?? 'amqp://guest:guest@127.0.0.1:5672');
    case 'nats':
      return natsBench(urls.nats ?? '127.0.0.1:4222');
  }
}
