/**
 * The NATS tests' server: the machine's nats-server with JetStream
 * (`NATS_URL`, default `127.0.0.1:4222`). Each file connects once, names
 * what it creates with {@link uniquePrefix} and drops it after its tests.
 * Without a server the tests skip, except with `CI=true`, where they fail
 * with the reason (CI runs the service, so a missing server is a failure).
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { StoreCapabilities } from '../../src/index.js';

/** The server the NATS tests use. */
export const natsUrl = process.env['NATS_URL'] ?? '127.0.0.1:4222';

/** What a NATS test file gets from {@link useNats}. */
export interface NatsTestContext {
  /** The file's connection (closed after its tests). */
  readonly connection: () => NatsConnection;
  /** The JetStream manager of that connection. */
  readonly manager: () => JetStreamManager;
  /** Opens another connection, closed after the file's tests (for a second "process"). */
  readonly connectAnother: () => Promise<NatsConnection>;
}

/** A unique name beginning with `label` (a bucket prefix or stream name); its streams are dropped after the file. */
export function uniquePrefix(label: string): string {
  const name = `${label}-${randomBytes(4).toString('hex')}`;
  created.add(name);
  return name;
}

const created = new Set<string>();

/**
 * Connects to the test server for the file: every test of the file fails
 * with the reason when it cannot (`CI=true`), or skips. After the file:
 * deletes every stream whose name contains a name from {@link uniquePrefix}
 * (the `KV_<prefix>-…` streams of key-value buckets included), then closes
 * the connections.
 */
export function useNats(): NatsTestContext {
  let connection: NatsConnection | undefined;
  let manager: JetStreamManager | undefined;
  let failure: Error | undefined;
  const others: NatsConnection[] = [];
  beforeAll(async () => {
    try {
      connection = await connect({ servers: natsUrl, timeout: 3_000 });
      manager = await jetstreamManager(connection);
      await manager.getAccountInfo();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failure = new Error(`No NATS server with JetStream at ${natsUrl} (set NATS_URL): ${reason}`, {
        cause: error,
      });
      await connection?.close().catch(() => undefined);
      connection = undefined;
    }
  });
  beforeEach((context) => {
    if (failure === undefined) return;
    if (process.env['CI'] === 'true') throw failure;
    context.skip(failure.message);
  });
  afterAll(async () => {
    const streams = manager?.streams;
    if (streams !== undefined && created.size > 0) {
      const names: string[] = [];
      for await (const name of streams.names()) names.push(name);
      const ours = names.filter((name) => [...created].some((prefix) => name.includes(prefix)));
      await Promise.all(ours.map((name) => streams.delete(name)));
    }
    await Promise.all(others.map((other) => other.close().catch(() => undefined)));
    await connection?.close();
  });
  return {
    connection: () => {
      if (connection === undefined) throw failure ?? new Error('useNats(): not connected yet');
      return connection;
    },
    manager: () => {
      if (manager === undefined) throw failure ?? new Error('useNats(): not connected yet');
      return manager;
    },
    connectAnother: async () => {
      const other = await connect({ servers: natsUrl, timeout: 3_000 });
      others.push(other);
      return other;
    },
  };
}

/** What a NATS store must declare, written out here so the suites check the store's own flags. */
export const NATS_STORE_CAPABILITIES: StoreCapabilities = {
  multiProcess: true,
  durable: true,
  crossProcessNotifications: true,
  atomicReadModels: false,
  synchronousTransactions: false,
  delayedVisibility: false,
  atomicMultiStreamAppends: false,
};
