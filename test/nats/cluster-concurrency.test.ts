/**
 * Optimistic concurrency on a 3-node JetStream cluster, with raw `@nats-io/jetstream` (no
 * eventfold store): racing publishers with `Nats-Expected-Last-Subject-Sequence`. On a
 * single-replica stream no update is lost; on a 3-replica stream of a server before 2.9.21
 * some may be (logged, not asserted), which is why the backend refuses replicas > 1 there.
 */
import { randomBytes } from 'node:crypto';
import {
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkReplicatedStreamSupport,
  natsServerVersionAtLeast,
  REPLICATED_STREAM_MIN_VERSION,
} from '../../src/stores/nats/nats-server-version.js';
import { UnsafeReplicationError } from '../../src/stores/nats/index.js';
import { beforeAllOrFail } from '../support/before-all-or-fail.js';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster.js';

const PUBLISHERS = 16;
const ROUNDS = 200;
/** JetStream's "wrong last sequence" error. */
const WRONG_LAST_SEQUENCE = 10071;

let cluster: NatsCluster;
let connections: NatsConnection[] = [];
let jsm: JetStreamManager;

beforeAllOrFail(async () => {
  cluster = await startNatsCluster();
  // One connection per publisher, spread over the three nodes: most publishes reach the
  // stream's leader through a route, as they would from clients of a real cluster.
  connections = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, i) =>
      connect({ servers: cluster.servers[i % cluster.servers.length] as string }),
    ),
  );
  jsm = await jetstreamManager(connections[0] as NatsConnection);
});

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await cluster?.stop();
});

interface RaceResult {
  /** Publishes the stream accepted. */
  readonly accepted: number;
  /** Publishes refused as "wrong last sequence". */
  readonly refused: number;
  /** Other failures (timeouts, no leader), with their messages. */
  readonly failures: string[];
  /** Rounds in which more than one publish was accepted against the same expected sequence. */
  readonly lostUpdates: number;
  /** The stream's last sequence at the end. */
  readonly lastSeq: number;
  /** Messages whose payload does not name the sequence before it on the subject. */
  readonly brokenLinks: number;
}

/**
 * `ROUNDS` rounds on one subject: in each, `PUBLISHERS` publishers race to publish, each
 * expecting the subject's last sequence as it was when the round began. Exactly one may win.
 */
async function race(replicas: number): Promise<RaceResult> {
  const id = randomBytes(4).toString('hex');
  const stream = `RACE_R${replicas}_${id}`;
  const subject = `race.${id}.counter`;
  await jsm.streams.add({ name: stream, subjects: [`race.${id}.>`], num_replicas: replicas });
  try {
    const clients: JetStreamClient[] = connections.map((nc) => jetstream(nc, { timeout: 10_000 }));
    const first = clients[0] as JetStreamClient;
    let last = (await first.publish(subject, JSON.stringify({ expected: null }))).seq;
    let accepted = 0;
    let refused = 0;
    let lostUpdates = 0;
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const expected = last;
      const outcomes = await Promise.allSettled(
        clients.map((js, publisher) =>
          js.publish(subject, JSON.stringify({ round, publisher, expected }), {
            expect: { lastSubjectSequence: expected },
          }),
        ),
      );
      let winners = 0;
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          winners++;
          last = Math.max(last, outcome.value.seq);
        } else if (
          outcome.reason instanceof JetStreamApiError &&
          outcome.reason.code === WRONG_LAST_SEQUENCE
        ) {
          refused++;
        } else {
          failures.push(String(outcome.reason));
        }
      }
      accepted += winners;
      if (winners > 1) lostUpdates += winners - 1;
    }
    const { state } = await jsm.streams.info(stream);
    // Read the subject back: each message must name the sequence of the one before it.
    let brokenLinks = 0;
    let previous: number | undefined;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      if (message === null) continue;
      const { expected } = message.json<{ expected: number | null }>();
      if (previous !== undefined && expected !== previous) brokenLinks++;
      previous = seq;
    }
    return { accepted, refused, failures, lostUpdates, lastSeq: state.last_seq, brokenLinks };
  } finally {
    await jsm.streams.delete(stream);
  }
}

describe('optimistic concurrency on a 3-node JetStream cluster', () => {
  it('loses no update on a single-replica stream', async () => {
    const result = await race(1);
    console.info(
      `R1 on nats-server ${cluster.version}: ${ROUNDS} rounds of ${PUBLISHERS} racing publishers: ` +
        `${result.accepted} accepted, ${result.refused} refused, ${result.lostUpdates} lost updates`,
    );
    expect(result.failures).toEqual([]);
    expect(result.lostUpdates).toBe(0);
    expect(result.accepted).toBe(ROUNDS);
    expect(result.refused).toBe(ROUNDS * (PUBLISHERS - 1));
    // The first message plus one per accepted publish: nothing else was written.
    expect(result.lastSeq).toBe(result.accepted + 1);
    expect(result.brokenLinks).toBe(0);
  });

  it('records what a 3-replica stream does, and the backend refuses it before 2.9.21', async () => {
    const result = await race(3);
    console.info(
      `R3 on nats-server ${cluster.version}: ${ROUNDS} rounds of ${PUBLISHERS} racing publishers: ` +
        `${result.accepted} accepted, ${result.refused} refused, ${result.lostUpdates} lost updates, ` +
        `${result.brokenLinks} broken links, ${result.failures.length} other failures`,
    );
    // Whatever the replicated stream did, the accepted publishes are all there.
    expect(result.lastSeq).toBe(result.accepted + 1);
    if (!natsServerVersionAtLeast(cluster.version, REPLICATED_STREAM_MIN_VERSION)) {
      expect(() => checkReplicatedStreamSupport(cluster.version, 3)).toThrow(
        UnsafeReplicationError,
      );
    }
    expect(() => checkReplicatedStreamSupport('2.9.10', 3)).toThrow(UnsafeReplicationError);
    expect(() => checkReplicatedStreamSupport(cluster.version, 1)).not.toThrow();
  });
});
