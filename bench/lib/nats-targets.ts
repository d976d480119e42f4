import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { EventStoreOptions } from '../../src/index.js';
import { NatsEventStore } from '../../src/stores/nats/index.js';
import { natsFloorTarget } from '../floors/nats-floor.js';
import { eventfoldTarget, type BenchTarget, type TargetSession } from './targets.js';
import { BENCH_NATS_URL } from './nats-url.js';

/**
 * The NATS targets (no peer library has a JetStream event store): eventfold's `NatsEventStore`
 * (a single-replica stream of its own per session, with its id bucket) and the raw floor. Each
 * session creates streams on the server; `cleanup` closes what a failed run left open and deletes
 * every stream and bucket the targets created.
 */
export function natsTargets(url = BENCH_NATS_URL): {
  targets: BenchTarget[];
  cleanup: () => Promise<void>;
} {
  // Sessions still open at the end (a run that failed skips its teardown) hold a connection
  // that would keep the process alive.
  const open = new Set<TargetSession>();
  const stores = new Set<NatsEventStore>();
  const streams: string[] = [];
  const openStore = async (options?: EventStoreOptions) => {
    const stream = `bench_${randomBytes(5).toString('hex')}`;
    streams.push(stream);
    const store = await NatsEventStore.connect({ ...options, servers: url, stream, replicas: 1 });
    stores.add(store);
    return store;
  };
  return {
    targets: [eventfoldTarget('eventfold NATS', 'nats', openStore), natsFloorTarget(url, open)],
    cleanup: async () => {
      for (const session of [...open]) await session.close();
      for (const store of stores) await store.close();
      if (streams.length === 0) return;
      const nc = await connect({ servers: url });
      try {
        const jsm = await jetstreamManager(nc);
        for (const stream of streams) {
          await jsm.streams.delete(stream).catch(() => false);
          await jsm.streams.delete(`KV_${stream}_ids`).catch(() => false);
        }
      } finally {
        await nc.close();
      }
    },
  };
}
