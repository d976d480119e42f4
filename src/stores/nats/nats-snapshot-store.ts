import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { prepareSnapshot, shouldReplaceSnapshot } from '../../core/contracts/prepare-snapshot.js';
import type { NewSnapshot, Snapshot, SnapshotStore } from '../../core/contracts/snapshot-store.js';
import { DatabaseError, StoreClosedError } from '../../core/errors.js';
import { assertStreamId } from '../../core/stream-id.js';
import {
  checkValueSize,
  encodeKey,
  guard,
  live,
  hasFields,
  parseEntry,
  revisionOf,
  writeIf,
  NatsBuckets,
  type NatsKvOptions,
} from './nats-kv.js';

/** A snapshot as stored (the state is the JSON of `prepareSnapshot`, embedded as it is). */
interface StoredSnapshot {
  readonly version: number;
  readonly schemaVersion: number;
  readonly createdAt: number;
  readonly state: unknown;
}

/** How many times a save or delete re-reads after losing a race before it gives up. */
const MAX_ROUNDS = 64;

/**
 * Aggregate snapshots in the JetStream key-value bucket `<prefix>-snapshots`
 * (`@nats-io/kv`; file storage, one value per key, created on first use):
 * one key per stream (its id in base64url) holding
 * `{ version, schemaVersion, createdAt, state }` as JSON. A save reads the
 * stored snapshot, decides with `shouldReplaceSnapshot`, and writes with a
 * compare-and-set on the key's revision (reading again when another save
 * came in between), so concurrent saves end with the newest. A delete
 * removes the key's message and overwrites its bytes on the server's disk
 * (JetStream's erasing delete), as `forgetSubject` needs. A snapshot must fit
 * in one NATS message (the server's `max_payload`, 1 MiB by default): a
 * larger one is refused with a `ValidationError` before anything is sent.
 *
 * The connection is yours: `close()` (and `await using`) only stops this store.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { NatsSnapshotStore } from 'eventfold/nats';
 *
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * await using snapshots = new NatsSnapshotStore(nc, { prefix: 'billing' });
 * await snapshots.save({ streamId: 'Account-1', version: 100, schemaVersion: 1, state: { balance: 5 } });
 * ```
 */
export class NatsSnapshotStore implements SnapshotStore {
  /** The first part of the bucket's name. */
  readonly prefix: string;
  readonly #buckets: NatsBuckets;
  #closed = false;

  /**
   * Uses `connection` and the bucket `<options.prefix>-snapshots`. Throws an
   * `InvalidOptionError` naming a bad connection, prefix or replica count.
   */
  constructor(connection: NatsConnection, options: NatsKvOptions) {
    this.#buckets = new NatsBuckets(connection, options);
    this.prefix = this.#buckets.prefix;
  }

  /**
   * Creates the bucket if it does not exist yet (done on first use
   * otherwise); a `DatabaseError` when the server refuses.
   */
  async ensure(): Promise<void> {
    this.#open();
    await this.#bucket();
  }

  async load(streamId: string): Promise<Snapshot | undefined> {
    this.#open();
    assertStreamId(streamId);
    const entry = live(await this.#get(streamId));
    if (entry === undefined) return undefined;
    const value = parseEntry(entry, isStoredSnapshot);
    return {
      streamId,
      version: value.version,
      schemaVersion: value.schemaVersion,
      state: value.state,
      createdAt: new Date(value.createdAt),
    };
  }

  async save(snapshot: NewSnapshot): Promise<boolean> {
    this.#open();
    const { streamId, version, schemaVersion, state } = prepareSnapshot(snapshot);
    const head = `{"version":${version},"schemaVersion":${schemaVersion},"createdAt":`;
    checkValueSize(
      this.#buckets,
      Buffer.byteLength(head) + Buffer.byteLength(state) + 32,
      `The snapshot of stream "${streamId}"`,
    );
    const kv = await this.#bucket();
    const key = encodeKey(streamId);
    const action = `saving the snapshot of stream "${streamId}"`;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = await this.#get(streamId);
      const current = live(entry);
      const stored = current === undefined ? undefined : parseEntry(current, isStoredSnapshot);
      if (!shouldReplaceSnapshot(stored, { version, schemaVersion })) return false;
      const value = `${head}${Date.now()},"state":${state}}`;
      this.#open();
      if ((await writeIf(kv, key, value, revisionOf(entry), action)) !== undefined) return true;
    }
    throw new DatabaseError(`NATS ${action} failed: the snapshot kept changing under it`);
  }

  async delete(streamId: string): Promise<boolean> {
    this.#open();
    assertStreamId(streamId);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = live(await this.#get(streamId));
      if (entry === undefined) return false;
      this.#open();
      if (await this.#buckets.removeRevision('snapshots', entry.revision, true)) return true;
    }
    return false;
  }

  /** Stops this snapshot store (idempotent); the connection stays open (it is yours). */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  /** `await using`: the same as {@link NatsSnapshotStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #get(streamId: string): Promise<KvEntry | null> {
    this.#open();
    const kv = await this.#bucket();
    this.#open();
    return guard(`loading the snapshot of stream "${streamId}"`, () => kv.get(encodeKey(streamId)));
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('snapshots');
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}

function isStoredSnapshot(value: unknown): value is StoredSnapshot {
  return hasFields(value, { version: 'number', schemaVersion: 'number', createdAt: 'number' });
}
