/**
 * The RabbitMQ forwarder across a real broker restart: a RabbitMQ node of the test's own (see
 * support/private-rabbitmq.ts) is stopped (SIGTERM, a clean shutdown as its service does) and
 * started again while events are appended and forwarded to a durable queue.
 */
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore, type Position } from '../../src/index.js';
import {
  rabbitMqPublisher,
  startForwarder,
  type OutboxMessage,
} from '../../src/integrations/outbox/index.js';
import { sleep, waitFor, within } from '../support/wait.js';
import { appendEvents, expectDelivered } from './support/outbox-cases.js';
import { PrivateRabbitMq } from './support/private-rabbitmq.js';

let broker: PrivateRabbitMq | undefined;
beforeAll(async () => {
  broker = await PrivateRabbitMq.create();
  await broker.start(60_000);
}, 120_000);
afterAll(() => broker?.remove());

/** Every message of `queue`, in the queue's order. */
async function drain(url: string, queue: string): Promise<OutboxMessage[]> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    const messages: OutboxMessage[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (message === false) return messages;
      const body = JSON.parse(message.content.toString()) as OutboxMessage;
      expect(message.properties.messageId).toBe(body.id);
      expect(message.properties.deliveryMode).toBe(2); // persistent
      messages.push(body);
    }
  } finally {
    await connection.close();
  }
}

describe('RabbitMQ publisher across a broker restart', () => {
  it('loses nothing and keeps per-stream order when the broker restarts mid-stream', async () => {
    if (broker === undefined) throw new Error('no broker');
    const { url } = broker;
    const queue = 'outbox-restart';
    const admin = await amqplib.connect(url);
    await (await admin.createChannel()).assertQueue(queue, { durable: true });
    await admin.close();

    const store = new InMemoryEventStore();
    const streams = Array.from({ length: 10 }, (_, i) => `Ship-${i + 1}`);
    const errors: unknown[] = [];
    const forwarder = startForwarder(store, {
      name: 'fwd',
      // A connect function: a connection lost with the broker is opened again.
      publisher: rabbitMqPublisher(() => amqplib.connect(url), { exchange: '', routingKey: queue }),
      publishTimeoutMs: 2_000,
      onError: (e) => errors.push(e),
    });
    let rounds = 0;
    let writing = true;
    let head: Position | undefined;
    // One event per stream every round, until told to stop: before, during and after the restart.
    const writer = (async () => {
      while (writing) {
        rounds++;
        head = await appendEvents(store, streams, 1, rounds);
        await sleep(20);
      }
    })();
    try {
      await waitFor(
        async () => (await forwarder.status()).confirmed >= 100,
        'events forwarded before the restart',
      );
      const before = await forwarder.status();
      await broker.stop();
      const roundsAtStop = rounds;
      await broker.start(60_000);
      const roundsAtStart = rounds;
      await waitFor(() => rounds >= roundsAtStart + 10, 'appends after the restart');
      writing = false;
      await writer;
      if (head === undefined) throw new Error('nothing appended');
      await within(forwarder.waitForPosition(head), 'the forwarder after the restart', 60_000);
      const after = await forwarder.status();
      await forwarder.stop();

      // The restart happened mid-stream: events were appended while the broker was down.
      expect(roundsAtStart).toBeGreaterThan(roundsAtStop);
      expect(before.confirmed).toBeLessThan(roundsAtStop * streams.length);
      // Publishes caught by the restart failed as unavailable (retried); none was refused or parked.
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => (e as { code?: string }).code === 'BROKER_UNAVAILABLE')).toBe(
        true,
      );
      expect(after.parked).toBe(0);

      const messages = await drain(url, queue);
      // The events checkpointed before the stop are never sent again: they survived the restart
      // on the broker's disk, each once.
      const checkpoint = before.checkpoint ?? '';
      const early = messages.filter((m) => m.position <= checkpoint);
      expect(early.length).toBeGreaterThan(0);
      expect(new Set(early.map((m) => m.id)).size).toBe(early.length);
      // After dropping copies by message id: every event once, each stream in version order.
      expectDelivered(messages, new Map(streams.map((s) => [s, rounds])), false);
    } finally {
      writing = false;
      await writer;
      await forwarder.stop();
    }
  }, 180_000);
});
