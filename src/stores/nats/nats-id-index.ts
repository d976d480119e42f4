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
  /** The sequence up to which this process knows the index holds every event. */
  #indexed = 0;
  #markRead = false;
  #running: Promise<void> | undefined;
  #raising = false;

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

  /**
   * Indexes every event of the messages after the watermark, up to `head`.
   * One catch-up runs at a time in a process (the others wait for it); this
   * process then knows where the index stands and reads the shared watermark
   * only once. The watermark is raised after the index writes, in the
   * background: one that lags only makes a later catch-up index some events again.
   */
  async catchUp(kv: KV, head: number): Promise<void> {
    while (this.#indexed < head) {
      if (this.#running === undefined) {
        this.#running = this.#run(kv, head).finally(() => {
          this.#running = undefined;
        });
      }
      await this.#running;
    }
  }

  async #run(kv: KV, head: number): Promise<void> {
    try {
      let mark = this.#indexed;
      if (!this.#markRead) {
        const entry = await kv.get(WATERMARK);
        mark = Math.max(
          mark,
          entry === null || entry.operation !== 'PUT' ? 0 : Number(entry.string()),
        );
        this.#markRead = true;
      }
      if (mark < head) {
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
      }
      this.#indexed = Math.max(this.#indexed, head);
      this.#raise(kv);
    } catch (error) {
      throw natsError('updating the event id index', error);
    }
  }

  /** Raises the shared watermark to what this process indexed (compare-and-set; in the background). */
  #raise(kv: KV): void {
    if (this.#raising) return;
    this.#raising = true;
    const raise = async (): Promise<void> => {
      for (;;) {
        const target = this.#indexed;
        const entry = await kv.get(WATERMARK);
        const mark = entry === null || entry.operation !== 'PUT' ? 0 : Number(entry.string());
        if (mark >= target) return;
        try {
          if (entry === null) await kv.create(WATERMARK, String(target));
          else await kv.update(WATERMARK, String(target), entry.revision);
          if (this.#indexed === target) return;
        } catch {
          // Another process moved it: read it again.
        }
      }
    };
    raise()
      .catch(() => undefined) // a watermark left behind is caught up later
      .finally(() => {
        this.#raising = false;
      });
  }
}
