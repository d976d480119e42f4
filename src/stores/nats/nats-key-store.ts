import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { checkSubject, type ForgetResult, type KeyStore } from '../../core/contracts/key-store.js';
import { StoreClosedError, ValidationError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';
import {
  decodeKey,
  encodeKey,
  guard,
  live,
  writeIf,
  NatsBuckets,
  type NatsKvOptions,
} from './nats-kv.js';

/**
 * The data keys of crypto-shredding in JetStream key-value buckets
 * (`@nats-io/kv`; file storage, one value per key, created on first use):
 * `<prefix>-keys` holds each subject's key (raw or wrapped bytes) under the
 * subject in base64url, `<prefix>-key-streams` one empty entry per subject
 * and stream (`<subject>.<stream id>`, each in base64url).
 *
 * {@link NatsKeyStore.forget} erases the key's message (JetStream overwrites
 * its bytes in the stream's file before removing it), then purges whatever
 * else the key and its stream records left in the two streams, so no
 * history, no delete marker and no subject naming the subject remains. What
 * NATS cannot promise: a bucket with replicas erases on each replica, but a
 * stream backup or snapshot taken before keeps the key; wrap the keys with a
 * `KeyWrapper` whose master key lives elsewhere when that matters.
 *
 * The connection is yours: `close()` (and `await using`) only stops this store.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { NatsKeyStore } from 'eventfold/nats';
 *
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * await using keys = new NatsKeyStore(nc, { prefix: 'billing' });
 * await using store = new InMemoryEventStore({ personalData: { keys } });
 * ```
 */
export class NatsKeyStore implements KeyStore {
  /** The first part of the buckets' names. */
  readonly prefix: string;
  readonly #buckets: NatsBuckets;
  #closed = false;

  /**
   * Uses `connection` and the buckets `<options.prefix>-keys` and
   * `<options.prefix>-key-streams`. Throws an `InvalidOptionError` naming a
   * bad connection, prefix or replica count.
   */
  constructor(connection: NatsConnection, options: NatsKvOptions) {
    this.#buckets = new NatsBuckets(connection, options);
    this.prefix = this.#buckets.prefix;
  }

  /** Creates the two buckets if they do not exist yet (done on first use otherwise). */
  async ensure(): Promise<void> {
    this.#open();
    await Promise.all([this.#keys(), this.#streams()]);
  }

  async load(subjects: readonly string[]): Promise<ReadonlyMap<string, Uint8Array>> {
    this.#open();
    for (const subject of subjects) checkSubject(subject);
    const out = new Map<string, Uint8Array>();
    if (subjects.length === 0) return out;
    const kv = await this.#keys();
    const unique = [...new Set(subjects)];
    const entries = await guard('load of data keys', () =>
      Promise.all(unique.map((subject) => kv.get(encodeKey(subject)))),
    );
    unique.forEach((subject, i) => {
      const entry = live(entries[i] ?? null);
      if (entry !== undefined) out.set(subject, Uint8Array.from(entry.value));
    });
    return out;
  }

  async create(subject: string, key: Uint8Array): Promise<Uint8Array> {
    this.#open();
    checkSubject(subject);
    if (!(key instanceof Uint8Array) || key.length === 0)
      throw new ValidationError('Invalid key: expected a non-empty Uint8Array');
    const kv = await this.#keys();
    const action = `creation of the data key of subject "${subject}"`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const entry = await guard(action, () => kv.get(encodeKey(subject)));
      const stored = live(entry);
      if (stored !== undefined) return Uint8Array.from(stored.value);
      const written = await writeIf(
        kv,
        encodeKey(subject),
        Uint8Array.from(key),
        entry?.revision ?? 0,
        action,
      );
      if (written !== undefined) return Uint8Array.from(key);
    }
    throw new ValidationError(`The data key of subject "${subject}" was deleted while created`);
  }

  async track(subject: string, streamIds: readonly string[]): Promise<void> {
    this.#open();
    checkSubject(subject);
    for (const streamId of streamIds) assertStreamId(streamId);
    if (streamIds.length === 0) return;
    const kv = await this.#streams();
    const prefix = encodeKey(subject);
    await guard(`recording the streams of subject "${subject}"`, () =>
      Promise.all(
        [...new Set(streamIds)].map((streamId) => kv.put(`${prefix}.${encodeKey(streamId)}`, '')),
      ),
    );
  }

  async forget(subject: string): Promise<ForgetResult> {
    this.#open();
    checkSubject(subject);
    const keys = await this.#keys();
    const encoded = encodeKey(subject);
    const entry = await guard(`forgetting subject "${subject}"`, () => keys.get(encoded));
    const forgotten = live(entry) !== undefined;
    if (entry !== null) await this.#buckets.removeRevision('keys', entry.revision, true);
    // Anything else under the subject (a marker, an older value in a bucket made with more history).
    await this.#buckets.purgeKey('keys', encoded);
    const records = await this.#buckets.keys(
      'key-streams',
      `reading the streams of subject "${subject}"`,
      `${encoded}.*`,
    );
    await this.#buckets.purgeSubject('key-streams', `${encoded}.*`);
    const ids = records.map((record) => decodeKey(record.slice(encoded.length + 1)));
    return { forgotten, streams: ids };
  }

  /** Stops this key store (idempotent); the connection stays open (it is yours). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link NatsKeyStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #keys(): Promise<KV> {
    return this.#buckets.bucket('keys');
  }

  #streams(): Promise<KV> {
    return this.#buckets.bucket('key-streams');
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
