import { natsFloorTarget } from '../floors/nats-floor.js';
import type { BenchTarget, TargetSession } from './targets.js';
import { BENCH_NATS_URL } from './nats-url.js';

/**
 * The NATS targets (no peer library has a JetStream event store): the raw floor. Each session
 * creates streams of its own on the server and deletes them when it closes; `cleanup` closes
 * the sessions a failed run left open.
 */
export function natsTargets(url = BENCH_NATS_URL): {
  targets: BenchTarget[];
  cleanup: () => Promise<void>;
} {
  // Sessions still open at the end (a run that failed skips its teardown) hold a connection
  // that would keep the process alive, and streams: cleanup closes them.
  const open = new Set<TargetSession>();
  return {
    targets: [natsFloorTarget(url, open)],
    cleanup: async () => {
      for (const session of [...open]) await session.close();
    },
  };
}
