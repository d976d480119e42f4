import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import amqplib, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, type Position } from '../../src/index.js';
import {
  rabbitMqPublisher,
  startForwarder,
  type OutboxMessage,
} from '../../src/integrations/outbox/index.js';
import { sleep, waitFor, within } from '../support/wait.js';
import {
  appendEvents,
  expectDelivered,
  runOutboxCases,
  type Target,
} from './support/outbox-cases.js';

/** Runs a command without blocking the event loop (the forwarder keeps running meanwhile). */
const run = promisify(execFile);
const URL = 'amqp://guest:guest@127.0.0.1:5672';
/** The categories the cases use: the queue is bound for each (so a refused one can be unbound). */
const CATEGORIES = ['Order', 'Invoice', 'Cart', 'Load', 'Good', 'Poison', 'Ship'];

let admin: ChannelModel;
beforeAll(async () => {
  admin = await amqplib.connect(URL);
});
afterAll(() => admin.close());

/** A connection named `name`, so that the broker can be told to close it. */
const named = (name: string) => () =>
  amqplib.connect(URL, { clientProperties: { connection_name: name } });

async function target(connectionName?: string): Promise<Target & { exchange: string }> {
  const id = randomBytes(4).toString('hex');
  const exchange = `outbox-${id}`;
  const queue = `outbox-${id}`;
  const channel = await admin.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
  await channel.assertQueue(queue, { durable: false });
  for (const category of CATEGORIES) await channel.bindQueue(queue, exchange, `${category}.#`);
  const received: OutboxMessage[] = [];
  return {
    exchange,
    brokerDedup: false,
    publisher: () => rabbitMqPublisher(named(connectionName ?? exchange), { exchange }),
    read: async () => {
      for (;;) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) return [...received];
        const body = JSON.parse(message.content.toString()) as OutboxMessage;
        expect(message.properties.messageId).toBe(body.id);
        received.push(body);
      }
    },
    refuse: (category) =>
      channel.unbindQueue(queue, exchange, `${category}.#`).then(() => undefined),
    cleanup: async () => {
      await channel.deleteQueue(queue);
      await channel.deleteExchange(exchange);
      await channel.close();
    },
  };
}

runOutboxCases({ name: 'RabbitMQ', target: () => target() });

/** Closes, on the broker, the connections named `name` (as a broker restart or an operator would). */
async function closeConnections(name: string): Promise<number> {
  const { stdout: listed } = await run(
    'rabbitmqctl',
    ['-q', 'list_connections', 'pid', 'client_properties'],
    {
      encoding: 'utf8',
    },
  );
  const pids = listed
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, properties]) => properties?.includes(`"${name}"`) === true)
    .map(([pid]) => pid as string);
  for (const pid of pids) await run('rabbitmqctl', ['-q', 'close_connection', pid, 'outbox test']);
  return pids.length;
}

describe('RabbitMQ publisher', () => {
  it('refuses bad options', () => {
    expect(() => rabbitMqPublisher(named('x'), { exchange: 3 } as never)).toThrow(/exchange/);
    expect(() => rabbitMqPublisher(null as never, { exchange: '' })).toThrow(/connection/);
  });

  it('loses nothing when the broker closes its connection while forwarding', async () => {
    const name = `outbox-restart-${randomBytes(4).toString('hex')}`;
    const t = await target(name);
    const store = new InMemoryEventStore();
    const streams = Array.from({ length: 10 }, (_, i) => `Ship-${i + 1}`);
    const errors: unknown[] = [];
    const forwarder = startForwarder(store, {
      name: 'fwd',
      publisher: t.publisher(),
      publishTimeoutMs: 2_000,
      onError: (e) => errors.push(e),
    });
    try {
      let head: Position | undefined;
      let closedAt = Infinity; // the round at which the broker closed the connection
      let rounds = 0;
      // Appends until ten rounds after the broker closed the connection (rabbitmqctl takes seconds).
      const writing = (async () => {
        while (rounds < closedAt + 10) {
          rounds++;
          head = await appendEvents(store, streams, 1, rounds);
          await sleep(10);
        }
      })();
      await waitFor(
        async () => (await closeConnections(name)) > 0,
        'the publisher connection',
        30_000,
      );
      closedAt = rounds;
      await writing;
      if (head === undefined) throw new Error('nothing appended');
      await within(forwarder.waitForPosition(head), 'the forwarder after the connection loss');
      // A publish caught by the close fails as unavailable (retried); none is ever refused or parked.
      expect(errors.every((e) => (e as { code?: string }).code === 'BROKER_UNAVAILABLE')).toBe(
        true,
      );
      expect((await forwarder.status()).parked).toBe(0);
      expectDelivered(await t.read(), new Map(streams.map((s) => [s, rounds])), false);
    } finally {
      await forwarder.stop();
      await t.cleanup();
    }
  });
});
