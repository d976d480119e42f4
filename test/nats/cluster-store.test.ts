/**
 * NatsEventStore on a local 3-node JetStream cluster (nats-server 2.9.10): the conformance cases
 * that exercise writes, reads, the feed and concurrency, with single-replica streams (the store's
 * default, placed by the cluster on one node); racing appends through stores connected to
 * different nodes; and `replicas: 3` refused on a server before 2.9.21.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ConcurrencyError, DatabaseError, type EventStore } from '../../src/index.js';
import { NatsEventStore, UnsafeReplicationError } from '../../src/stores/nats/index.js';
import {
  natsServerVersionAtLeast,
  REPLICATED_STREAM_MIN_VERSION,
} from '../../src/stores/nats/nats-server-version.js';
import type { StoreFactoryOptions } from '../../src/testing/index.js';
import { appendCases } from '../../src/testing/conformance/append-cases.js';
import { concurrencyCases } from '../../src/testing/conformance/concurrency-cases.js';
import { conditionCases } from '../../src/testing/conformance/condition-cases.js';
import { expectedVersionCases } from '../../src/testing/conformance/expected-version-cases.js';
import { feedCases } from '../../src/testing/conformance/feed-cases.js';
import { caseContext } from '../../src/testing/conformance/fixtures.js';
import { groupCommitCases } from '../../src/testing/conformance/group-commit-cases.js';
import { idempotencyCases } from '../../src/testing/conformance/idempotency-cases.js';
import { readCases } from '../../src/testing/conformance/read-cases.js';
import { beforeAllOrFail } from '../support/before-all-or-fail.js';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster.js';
import { NATS_STORE_CAPABILITIES } from '../support/nats-test.js';

const WRITERS = 16;

let cluster: NatsCluster;
/** One connection per node. */
let connections: NatsConnection[] = [];
let jsm: JetStreamManager;
const created: string[] = [];

beforeAllOrFail(async () => {
  cluster = await startNatsCluster();
  connections = await Promise.all(cluster.servers.map((url) => connect({ servers: url })));
  jsm = await jetstreamManager(connections[0] as NatsConnection);
});

afterAll(async () => {
  for (const name of created) {
    await jsm?.streams.delete(name).catch(() => false);
    await jsm?.streams.delete(`KV_${name}_ids`).catch(() => false);
  }
  await Promise.all(connections.map((nc) => nc.close()));
  await cluster?.stop();
});

function uniqueStream(prefix: string): string {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  created.push(name);
  return name;
}

/** A store on node `node` (round-robin over the cluster by default). */
let next = 0;
function openStore(
  stream: string,
  options: StoreFactoryOptions & { timeoutMs?: number } = {},
  node = next++ % connections.length,
): Promise<NatsEventStore> {
  return NatsEventStore.connect({
    ...options,
    connection: connections[node] as NatsConnection,
    stream,
  }).catch((error: unknown) => {
    // What the servers said: a failure to create a stream on a cluster is theirs to explain.
    for (const n of cluster.nodes) console.error(`--- ${n.name}\n${n.recentLog()}`);
    throw error;
  });
}

describe('NatsEventStore on a 3-node cluster, single-replica streams', () => {
  const context = caseContext({
    describe,
    it,
    capabilities: NATS_STORE_CAPABILITIES,
    createStore: (options: StoreFactoryOptions): Promise<EventStore> =>
      openStore(uniqueStream('cl'), options),
    // Reopened through another node of the cluster.
    reopenStore: async (store: EventStore, options: StoreFactoryOptions): Promise<EventStore> => {
      if (!(store instanceof NatsEventStore)) throw new Error('not a NatsEventStore');
      await store.close();
      return openStore(store.streamName, options);
    },
  });
  appendCases(context);
  expectedVersionCases(context);
  idempotencyCases(context);
  readCases(context);
  feedCases(context);
  concurrencyCases(context);
  groupCommitCases(context);
  conditionCases(context);
});

/**
 * One store per writer, spread over the nodes: the first creates the stream
 * and its id bucket (the cluster's meta leader serialises those), the others
 * open them, together.
 */
async function openWriters(stream: string): Promise<NatsEventStore[]> {
  const first = await openStore(stream, {}, 0);
  const others = await Promise.all(
    Array.from({ length: WRITERS - 1 }, (_, w) =>
      openStore(stream, {}, (w + 1) % connections.length),
    ),
  );
  return [first, ...others];
}

describe('racing appends through stores on every node', () => {
  it(`${WRITERS} stores, one per writer, spread over the nodes: one winner per version`, async () => {
    const stream = uniqueStream('race');
    const stores = await openWriters(stream);
    try {
      const rounds = 30;
      let refused = 0;
      for (let v = 0; v < rounds; v++) {
        const results = await Promise.allSettled(
          stores.map((store, w) =>
            store.append('Counter-1', [{ type: 'Incremented', data: { w, expected: v } }], {
              expectedVersion: v === 0 ? 'no_stream' : v,
            }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') {
            expect(ConcurrencyError.is(r.reason), String(r.reason)).toBe(true);
            refused++;
          }
        }
      }
      expect(refused).toBe(rounds * (WRITERS - 1));
      const { version, events } = await (stores[1] as NatsEventStore).read('Counter-1');
      expect(version).toBe(rounds);
      expect(events.map((e) => (e.data as { expected: number }).expected)).toEqual(
        Array.from({ length: rounds }, (_, i) => i),
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it(`${WRITERS} writers incrementing a counter (read, then append at that version, retried) lose no increment`, async () => {
    const stream = uniqueStream('incr');
    const stores = await openWriters(stream);
    const perWriter = 10;
    let conflicts = 0;
    try {
      await Promise.all(
        stores.map(async (store, w) => {
          for (let k = 0; k < perWriter; k++) {
            for (;;) {
              const version = await store.getVersion('Counter-2');
              try {
                await store.append(
                  'Counter-2',
                  [{ type: 'Incremented', data: { w, k, seen: version } }],
                  { expectedVersion: version === 0 ? 'no_stream' : version },
                );
                break;
              } catch (error) {
                if (!ConcurrencyError.is(error)) throw error;
                conflicts++;
              }
            }
          }
        }),
      );
      const { version, events } = await (stores[0] as NatsEventStore).read('Counter-2');
      expect(version).toBe(WRITERS * perWriter);
      // Every increment saw the version just before its own: none was written over another.
      expect(events.map((e) => (e.data as { seen: number }).seen)).toEqual(
        events.map((e) => e.version - 1),
      );
      const feed = await (stores[2] as NatsEventStore).readAll().toArray();
      expect(feed).toHaveLength(WRITERS * perWriter);
      console.info(
        `${WRITERS} writers × ${perWriter} increments on a 3-node cluster: ${conflicts} conflicts retried, none lost`,
      );
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('replicated streams', () => {
  it('replicas: 3 is refused on a server before 2.9.21, before anything is created', async () => {
    if (natsServerVersionAtLeast(cluster.version, REPLICATED_STREAM_MIN_VERSION)) {
      throw new Error(`this test expects a server before 2.9.21, not ${cluster.version}`);
    }
    const stream = uniqueStream('r3');
    const error: unknown = await NatsEventStore.connect({
      servers: cluster.servers,
      stream,
      replicas: 3,
    }).then(
      async (store) => {
        await store.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(UnsafeReplicationError.is(error)).toBe(true);
    expect((error as UnsafeReplicationError).code).toBe('UNSAFE_REPLICATION');
    expect((error as UnsafeReplicationError).serverVersion).toBe(cluster.version);
    await expect(jsm.streams.info(stream)).rejects.toThrow(/stream not found/);
  });

  it('replicas: 3 with allowUnsafeReplicatedConcurrency creates a 3-replica stream and bucket', async () => {
    const stream = uniqueStream('r3u');
    const store = await NatsEventStore.connect({
      servers: cluster.servers,
      stream,
      replicas: 3,
      allowUnsafeReplicatedConcurrency: true,
    });
    try {
      await store.append('Order-1', [{ type: 'Placed', data: {} }], {
        expectedVersion: 'no_stream',
      });
      expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
      expect((await jsm.streams.info(`KV_${stream}_ids`)).config.num_replicas).toBe(3);
      expect((await store.read('Order-1')).version).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('replicas: 1 keeps working while a node that does not hold the stream is down', async () => {
    const stream = uniqueStream('down');
    // Connected to n1 (as is the manager of this file): the node stopped is another one.
    const store = await openStore(stream, {}, 0);
    try {
      await store.append('Order-1', [{ type: 'Placed', data: {} }], {
        expectedVersion: 'no_stream',
      });
      const holder = (await jsm.streams.info(stream)).cluster?.leader;
      const other = cluster.nodes.find((node, i) => i > 0 && node.name !== holder);
      if (other === undefined || holder === undefined) throw new Error('no node to stop');
      await other.stop();
      try {
        await cluster.ready();
        await store.append('Order-1', [{ type: 'Paid', data: {} }], { expectedVersion: 1 });
        expect((await store.read('Order-1')).events.map((e) => e.type)).toEqual(['Placed', 'Paid']);
      } finally {
        await other.start();
        await cluster.ready();
      }
    } finally {
      await store.close();
    }
  });

  it('replicas: 1 fails with connectionLost while the node holding the stream is down, and has every event when it is back', async () => {
    const stream = uniqueStream('held');
    // The stream lives on one node; the store talks to it through another one.
    await (await openStore(stream, { timeoutMs: 2_000 }, 0)).close();
    const holder = (await jsm.streams.info(stream)).cluster?.leader;
    const at = cluster.nodes.findIndex((n) => n.name === holder);
    if (at === -1) throw new Error(`the stream has no leader (${String(holder)})`);
    const store = await openStore(stream, { timeoutMs: 2_000 }, (at + 1) % connections.length);
    await store.append('Order-1', [{ type: 'Placed', data: {} }], { expectedVersion: 'no_stream' });
    const node = cluster.nodes.find((n) => n.name === holder);
    if (node === undefined) throw new Error(`no node ${holder}`);
    try {
      await node.stop();
      const error: unknown = await store
        .append('Order-1', [{ type: 'Paid', data: {} }], { expectedVersion: 1 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(DatabaseError.is(error), String(error)).toBe(true);
      expect((error as DatabaseError).connectionLost, String((error as DatabaseError).cause)).toBe(
        true,
      );
      await node.start();
      await cluster.ready();
      // The stream comes back from the node's files once its server rejoins.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await store.append('Order-1', [{ type: 'Paid', data: {} }], { expectedVersion: 1 });
          break;
        } catch (e) {
          if (!DatabaseError.is(e) || Date.now() > deadline) throw e;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
      expect((await store.read('Order-1')).events.map((e) => e.type)).toEqual(['Placed', 'Paid']);
    } finally {
      if (!node.running) await node.start();
      await store.close();
    }
  });
});
