import type { KV } from '@nats-io/kv';
import type { StoredEventRef } from '../../core/idempotency.js';
import { encodePosition } from '../../core/position.js';
import type { NatsStreamHandle } from './nats-connection.js';
import { natsError } from './nats-errors.js';
import { loadKv } from './nats-modules.js';
import { rowsOf } from './nats-rows.js';

/** The key of the last stream sequence whose events the index holds. */
const WATERMARK = 'watermark';
/** How many index writes are in flight at once while the index catches up. */
const PARALLEL_PUTS = 256;

/** One indexed event id: its stream, version and place in the JetStream stream. */
interface IndexEntry {
  readonly s: string;
  readonly v: number;
  readonly q: number;
  readonly i: number;
}

/**
 * The durable index of event ids, a key-value bucket `<stream>_ids` (event id
 * → stream, version, sequence and index), kept beside the stream and derived
 * from it: a watermark records up to which sequence it holds every event. An
 * append whose events carry their own ids first brings the index up to the
 * stream's head (indexing the messages after the watermark), then looks its
 * ids up; so a crash between a publish and its index write is repaired by the
 * next lookup, appends without their own ids never write the index, and the
 * rule survives restarts and outlives JetStream's duplicate window (which only
 * covers two appends of the same ids racing each other).
 */
export class NatsIdIndex {
  readonly bucket: string;
  #kv: Promise<KV> | undefined;

  constructor(
    readonly handle: NatsStreamHandle,
    readonly replicas: number,
  ) {
    this.bucket = `${handle.name}_ids`;
  }

  /** Creates the bucket when missing. */
  open(): Promise<KV> {
    this.#kv ??= new (loadKv().Kvm)(this.handle.js)
      .create(this.bucket, { history: 1, replicas: this.replicas, timeout: this.handle.timeoutMs })
      .catch((error: unknown) => {
        this.#kv = undefined;
        throw natsError(`opening the key-value bucket ${this.bucket}`, error);
      });
    return this.#kv;
  }

  /** The stored refs of `ids` (the ones stored), after catching up to the stream's head. */
  async lookup(ids: readonly string[]): Promise<StoredEventRef[]> {
    const kv = await this.open();
    await this.catchUp(kv, await this.handle.lastSeq());
    try {
      const entries = await Promise.all(ids.map((id) => kv.get(id)));
      const refs: StoredEventRef[] = [];
      entries.forEach((entry, k) => {
        if (entry === null || entry.operation !== 'PUT') return;
        const { s, v, q, i } = entry.json<IndexEntry>();
        refs.push({
          id: ids[k] as string,
          streamId: s,
          version: v,
          position: encodePosition(q, i),
        });
      });
      return refs;
    } catch (error) {
      throw natsError('reading the event id index', error);
    }
  }

  /** Removes the ids of scavenged events, after catching up to the stream's head (so no later catch-up indexes them again). */
  async forget(ids: readonly string[]): Promise<void> {
    const kv = await this.open();
    await this.catchUp(kv, await this.handle.lastSeq());
    try {
      await Promise.all(ids.map((id) => kv.purge(id)));
    } catch (error) {
      throw natsError('updating the event id index', error);
    }
  }

  /** Indexes every event of the messages after the watermark, up to `head`, then raises the watermark. */
  async catchUp(kv: KV, head: number): Promise<void> {
    try {
      let entry = await kv.get(WATERMARK);
      let mark = entry === null || entry.operation !== 'PUT' ? 0 : Number(entry.string());
      if (mark >= head) return;
      let puts: Promise<unknown>[] = [];
      await this.handle.refreshRemovals();
      for await (const message of this.handle.scan(this.handle.subjects.all, mark + 1, head)) {
        for (const row of rowsOf(message)) {
          const value: IndexEntry = { s: row.streamId, v: row.version, q: row.seq, i: row.index };
          puts.push(kv.put(row.id, JSON.stringify(value)));
        }
        if (puts.length >= PARALLEL_PUTS) {
          await Promise.all(puts);
          puts = [];
        }
      }
      await Promise.all(puts);
      for (;;) {
        try {
          if (entry === null) await kv.create(WATERMARK, String(head));
          else await kv.update(WATERMARK, String(head), entry.revision);
          return;
        } catch {
          entry = await kv.get(WATERMARK);
          mark = entry === null || entry.operation !== 'PUT' ? 0 : Number(entry.string());
          if (mark >= head) return;
        }
      }
    } catch (error) {
      throw natsError('updating the event id index', error);
    }
  }
}
