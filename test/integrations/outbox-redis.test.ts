import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryEventStore } from '../../src/index.js';
import {
  redisStreamsPublisher,
  startForwarder,
  type OutboxMessage,
} from '../../src/integrations/outbox/index.js';
import {
  forwardThroughRestart,
  expectDelivered,
  runOutboxCases,
  type Target,
} from './support/outbox-cases.js';
import { freePort, PrivateServer } from './support/private-server.js';

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: false });
afterAll(() => redis.disconnect());

/** Every entry of the streams under `prefix`, read with XRANGE. */
async function readAll(client: Redis, prefix: string): Promise<OutboxMessage[]> {
  const keys = (await client.keys(`${prefix}:*`)).filter((k) => !k.includes(':dedup:')).sort();
  const out: OutboxMessage[] = [];
  for (const key of keys) {
    if ((await client.type(key)) !== 'stream') continue;
    for (const [, fields] of await client.xrange(key, '-', '+')) {
      const f: Record<string, string> = {};
      for (let i = 0; i < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
      out.push({
        id: f.id ?? '',
        type: f.type ?? '',
        streamId: f.streamId ?? '',
        category: f.category ?? '',
        version: Number(f.version),
        position: f.position ?? '',
        data: JSON.parse(f.data ?? 'null') as unknown,
        metadata: JSON.parse(f.metadata ?? 'null') as unknown,
        recordedAt: f.recordedAt ?? '',
      });
    }
  }
  return out;
}

async function removeAll(client: Redis, prefix: string): Promise<void> {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
}

function target(client: Redis): Target {
  const prefix = `outbox-test-${randomBytes(4).toString('hex')}`;
  return {
    brokerDedup: true,
    publisher: () =>
      redisStreamsPublisher(client, {
        stream: `${prefix}:{category}`,
        dedupPrefix: `${prefix}:dedup:`,
      }),
    read: () => readAll(client, prefix),
    refuse: async (category) => {
      await client.set(`${prefix}:${category}`, 'not a stream');
    },
    cleanup: () => removeAll(client, prefix),
  };
}

runOutboxCases({ name: 'Redis Streams', target: () => Promise.resolve(target(redis)) });

describe('Redis Streams publisher', () => {
  it('keeps one entry per event id within the dedup window, and refuses bad options', async () => {
    const t = target(redis);
    try {
      const store = new InMemoryEventStore();
      await store.append('Order-1', [{ type: 'Placed', data: {} }]);
      const { events } = await store.read('Order-1');
      const publisher = t.publisher();
      await Promise.all(publisher.publish(events));
      await Promise.all(publisher.publish(events));
      expect(await t.read()).toHaveLength(1);
      expect(() => redisStreamsPublisher(redis, { dedupTtlMs: 0 })).toThrow(/dedupTtlMs/);
      expect(() => redisStreamsPublisher({} as never)).toThrow(/client/);
    } finally {
      await t.cleanup();
    }
  });

  it('loses nothing when its Redis server restarts while forwarding', async () => {
    const port = await freePort();
    const aofDir = mkdtempSync(path.join(tmpdir(), 'eventfold-redis-'));
    const server = new PrivateServer(port, 'redis-server', [
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--dir',
      aofDir,
      '--appendfilename',
      `outbox-${port}.aof`,
      '--appenddirname',
      `outbox-${port}`,
    ]);
    await server.start();
    const client = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    client.on('error', () => undefined); // refused while the server is down: the publisher reports it
    const t = target(client);
    const store = new InMemoryEventStore();
    const streams = Array.from({ length: 10 }, (_, i) => `Ship-${i + 1}`);
    const errors: unknown[] = [];
    const forwarder = startForwarder(store, {
      name: 'fwd',
      publisher: t.publisher(),
      publishTimeoutMs: 1_000,
      onError: (e) => errors.push(e),
    });
    try {
      await forwardThroughRestart(store, streams, forwarder, errors, server);
      expectDelivered(await t.read(), new Map(streams.map((s) => [s, 40])), true);
    } finally {
      await forwarder.stop();
      await t.cleanup().catch(() => undefined);
      client.disconnect();
      await server.stop();
      rmSync(aofDir, { recursive: true, force: true });
    }
  });
});
