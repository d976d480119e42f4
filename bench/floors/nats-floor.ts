import { randomBytes } from 'node:crypto';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { v7 as uuidv7 } from 'uuid';
import type { BenchEvent, BenchTarget, TargetSession } from '../lib/targets.js';
import { BENCH_NATS_URL } from '../lib/nats-url.js';

/** One event as the floor stores it (an id, a type, the data), all of an append in one message. */
interface FloorEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

/**
 * The NATS floor (sessions are added to `sessions` while open, so a run that fails before its
 * teardown can still be closed): raw `@nats-io/jetstream` on a single-replica file stream of its own (deny-delete,
 * as eventfold's), one message per append holding its events as a JSON array, on the subject of
 * its stream id, published with `Nats-Expected-Last-Subject-Sequence` (the subject's last sequence
 * is kept from the floor's own acks: no read before a write). A stream is read message by message
 * (direct gets, `next_by_subj`), the feed through an ordered consumer; every payload is parsed. No event ids
 * checked, no version header, no KV bucket.
 */
export function natsFloorTarget(
  url = BENCH_NATS_URL,
  sessions: Set<TargetSession> = new Set(),
): BenchTarget {
  return {
    name: 'raw @nats-io/jetstream (floor)',
    backend: 'nats',
    kind: 'floor',
    async open(): Promise<TargetSession> {
      const nc = await connect({ servers: url });
      const jsm = await jetstreamManager(nc);
      const id = randomBytes(5).toString('hex');
      const stream = `BENCH_FLOOR_${id}`;
      const prefix = `bench_floor_${id}`;
      await jsm.streams.add({
        name: stream,
        subjects: [`${prefix}.>`],
        num_replicas: 1,
        deny_delete: true,
        allow_direct: true,
      });
      const session = new NatsFloor(nc, jsm, jetstream(nc), stream, prefix, () =>
        sessions.delete(session),
      );
      sessions.add(session);
      return session;
    },
  };
}

class NatsFloor implements TargetSession {
  /** The last sequence of each stream's subject, from the acks of the floor's own appends. */
  readonly #last = new Map<string, number>();

  constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    readonly js: JetStreamClient,
    readonly stream: string,
    readonly prefix: string,
    readonly closed: () => void,
  ) {}

  async appendNew(streamId: string, events: readonly BenchEvent[]): Promise<void> {
    await this.#append(streamId, 0, events);
  }

  async appendAt(streamId: string, version: number, events: readonly BenchEvent[]): Promise<void> {
    await this.#append(streamId, version === 0 ? 0 : (this.#last.get(streamId) ?? 0), events);
  }

  async #append(streamId: string, expected: number, events: readonly BenchEvent[]): Promise<void> {
    const body: FloorEvent[] = events.map((e) => ({ id: uuidv7(), type: e.type, data: e.data }));
    const ack = await this.js.publish(`${this.prefix}.${streamId}`, JSON.stringify(body), {
      expect: { lastSubjectSequence: expected },
    });
    this.#last.set(streamId, ack.seq);
  }

  async #events(streamId: string): Promise<FloorEvent[]> {
    const subject = `${this.prefix}.${streamId}`;
    const events: FloorEvent[] = [];
    let seq = 1;
    for (;;) {
      const message = await this.jsm.direct.getMessage(this.stream, {
        next_by_subj: subject,
        seq,
      });
      if (message === null) return events;
      events.push(...message.json<FloorEvent[]>());
      seq = message.seq + 1;
    }
  }

  async readStream(streamId: string): Promise<number> {
    return (await this.#events(streamId)).length;
  }

  async readFeed(pageSize: number): Promise<number> {
    const { state } = await this.jsm.streams.info(this.stream);
    if (state.messages === 0) return 0;
    const consumer = await this.js.consumers.get(this.stream);
    let count = 0;
    // Messages hold whole appends: the consumer pulls up to `pageSize` of them at a time.
    const messages = await consumer.consume({ max_messages: Math.max(1, pageSize) });
    for await (const message of messages) {
      count += message.json<FloorEvent[]>().length;
      if (message.info.pending === 0) break;
    }
    await consumer.delete().catch(() => undefined);
    return count;
  }

  async fold<S>(
    streamId: string,
    initial: S,
    evolve: (state: S, event: BenchEvent) => S,
  ): Promise<S> {
    let state = initial;
    for (const event of await this.#events(streamId)) state = evolve(state, event);
    return state;
  }

  async close(): Promise<void> {
    this.closed();
    await this.jsm.streams.delete(this.stream).catch(() => undefined);
    await this.nc.close();
  }
}
