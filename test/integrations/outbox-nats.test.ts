import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../../src/index.js';
import {
  natsJetStreamPublisher,
  startForwarder,
  type OutboxMessage,
} from '../../src/integrations/outbox/index.js';
import { PostgresEventStore } from '../../src/stores/postgres/index.js';
import { useTestDatabase } from '../support/postgres-test-database.js';
import { within } from '../support/wait.js';
import {
  appendEvents,
  forwardThroughRestart,
  expectDelivered,
  runOutboxCases,
  type Target,
} from './support/outbox-cases.js';
import { freePort, PrivateServer } from './support/private-server.js';

/** The categories the cases use: the stream listens to each (so a refused one can be left out). */
const CATEGORIES = ['Order', 'Invoice', 'Cart', 'Load', 'Good', 'Poison', 'Ship'];

let nc: NatsConnection;
let jsm: JetStreamManager;
beforeAll(async () => {
  nc = await connect({ servers: '127.0.0.1:4222' });
  jsm = await jetstreamManager(nc);
});
afterAll(() => nc.close());

/** Every message of `stream`, in stream order. */
async function readStream(manager: JetStreamManager, stream: string): Promise<OutboxMessage[]> {
  const { state } = await manager.streams.info(stream);
  const out: OutboxMessage[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await manager.streams.getMessage(stream, { seq });
    if (message !== null) out.push(message.json<OutboxMessage>());
  }
  return out;
}

async function target(): Promise<Target> {
  const id = randomBytes(4).toString('hex');
  const stream = `OUTBOX_${id}`;
  const subjects = (categories: string[]) => categories.map((c) => `outbox.${id}.${c}.>`);
  await jsm.streams.add({ name: stream, subjects: subjects(CATEGORIES) });
  let refused: string | undefined;
  return {
    brokerDedup: true,
    publisher: () =>
      natsJetStreamPublisher(jetstream(nc), { stream, subject: `outbox.${id}.{category}.{type}` }),
    read: () => readStream(jsm, stream),
    refuse: async (category) => {
      // The category's subjects move to another stream: the publish expects the first one, and is refused.
      await jsm.streams.update(stream, {
        subjects: subjects(CATEGORIES.filter((c) => c !== category)),
      });
      refused = `${stream}_REFUSED`;
      await jsm.streams.add({ name: refused, subjects: subjects([category]) });
    },
    cleanup: async () => {
      await jsm.streams.delete(stream);
      if (refused !== undefined) await jsm.streams.delete(refused);
    },
  };
}

runOutboxCases({ name: 'NATS JetStream', target });

describe('NATS JetStream publisher', () => {
  it('drops a copy with a known Nats-Msg-Id, and refuses bad options', async () => {
    const t = await target();
    try {
      const store = new InMemoryEventStore();
      await store.append('Order-1', [{ type: 'Placed', data: {} }]);
      const { events } = await store.read('Order-1');
      const publisher = t.publisher();
      await Promise.all(publisher.publish(events));
      await Promise.all(publisher.publish(events));
      expect(await t.read()).toHaveLength(1);
      expect(() => natsJetStreamPublisher(jetstream(nc), { stream: 'a.b' })).toThrow(/stream/);
      expect(() => natsJetStreamPublisher(null as never, { stream: 'S' })).toThrow(/client/);
    } finally {
      await t.cleanup();
    }
  });

  it('creates its stream when asked, and loses nothing when the server restarts while forwarding', async () => {
    const port = await freePort();
    const storeDir = mkdtempSync(path.join(tmpdir(), 'eventfold-nats-'));
    const server = new PrivateServer(port, 'nats-server', [
      '-js',
      '-p',
      String(port),
      '-sd',
      storeDir,
    ]);
    await server.start();
    const client = await connect({
      servers: `127.0.0.1:${port}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const store = new InMemoryEventStore();
    const streams = Array.from({ length: 10 }, (_, i) => `Ship-${i + 1}`);
    const errors: unknown[] = [];
    const forwarder = startForwarder(store, {
      name: 'fwd',
      publisher: natsJetStreamPublisher(jetstream(client), {
        stream: 'RESTART',
        createStream: { duplicateWindowMs: 60_000 },
        timeoutMs: 1_000,
      }),
      onError: (e) => errors.push(e),
    });
    try {
      await forwardThroughRestart(store, streams, forwarder, errors, server, 60_000);
      const messages = await readStream(await jetstreamManager(client), 'RESTART');
      expectDelivered(messages, new Map(streams.map((s) => [s, 40])), true);
    } finally {
      await forwarder.stop();
      await client.close();
      await server.stop();
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});

describe('NATS JetStream forwarder on PostgreSQL', () => {
  const database = useTestDatabase('outbox');

  it('forwards from a PostgreSQL store, with its checkpoint in the database', async () => {
    const t = await target();
    const store = await PostgresEventStore.connect({ connectionString: database().url });
    try {
      const streams = ['Order-1', 'Order-2', 'Invoice-1'];
      const head = await appendEvents(store, streams, 5);
      const forwarder = startForwarder(store, { name: 'fwd-pg', publisher: t.publisher() });
      await within(forwarder.waitForPosition(head), 'the forwarder');
      const status = await forwarder.status();
      await forwarder.stop();
      expect(status.checkpoint).toBe(head);
      expectDelivered(await t.read(), new Map(streams.map((s) => [s, 5])), true);
    } finally {
      await store.close();
      await t.cleanup();
    }
  });
});
