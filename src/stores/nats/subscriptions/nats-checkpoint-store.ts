import type { KV, KvEntry } from '@nats-io/kv';
import { CheckpointConflictError } from '../../../core/contracts/checkpoint-conflict-error.js';
import type {
  Checkpoint,
  CheckpointStore,
  ExpectedCheckpoint,
} from '../../../core/contracts/checkpoint-store.js';
import { assertSubscriptionName } from '../../../core/contracts/subscription-name.js';
import { compareCodePoints } from '../../../core/list-streams.js';
import type { Position } from '../../../core/position.js';
import {
  encodeKey,
  guard,
  live,
  liveEntries,
  hasFields,
  parseEntry,
  revisionOf,
  writeIf,
  type NatsBuckets,
} from '../nats-kv.js';

/** A checkpoint as stored: JSON, the time in milliseconds since the epoch. */
interface StoredCheckpoint {
  readonly name: string;
  readonly position: string | null;
  readonly updatedAt: number;
}

/** A checkpoint read with the revision of its key (0: no message), for conditional writes. */
export interface CheckpointRead {
  readonly position: Position | null;
  readonly revision: number;
}

/** How many times a conditional save re-reads after losing a race before it gives up. */
const MAX_ROUNDS = 64;

/**
 * Checkpoints in the key-value bucket `<prefix>-checkpoints`, one key per
 * subscription (its name in base64url) holding `{ name, position, updatedAt }`
 * as JSON (part of a {@link NatsSubscriptionStorage}). A save with `expected`
 * is a compare-and-set on the key's revision: it reads the checkpoint,
 * compares it, and writes only if the key is still at the revision read,
 * reading again when another write came in between.
 */
export class NatsCheckpointStore implements CheckpointStore {
  readonly #buckets: NatsBuckets;

  /**
   * For {@link NatsSubscriptionStorage}.
   *
   * @internal
   */
  constructor(buckets: NatsBuckets) {
    this.#buckets = buckets;
  }

  async load(name: string): Promise<Checkpoint | undefined> {
    assertSubscriptionName(name);
    const entry = live(await this.#get(name));
    return entry === undefined ? undefined : toCheckpoint(entry);
  }

  async list(): Promise<Checkpoint[]> {
    const kv = await this.#bucket();
    const keys = await this.#buckets.keys('checkpoints', 'listing checkpoints');
    const entries = await liveEntries(kv, keys, 'reading checkpoints');
    return entries.map(toCheckpoint).sort((a, b) => compareCodePoints(a.name, b.name));
  }

  async save(
    name: string,
    position: Position | null,
    options: { expected?: ExpectedCheckpoint } = {},
  ): Promise<void> {
    assertSubscriptionName(name);
    const { expected } = options;
    const kv = await this.#bucket();
    const value = stored(name, position);
    if (expected === undefined) {
      await guard(`saving the checkpoint of "${name}"`, () => kv.put(encodeKey(name), value));
      return;
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { position: actual, revision } = await this.read(name);
      if (actual !== expected) throw new CheckpointConflictError(name, expected, actual);
      const written = await writeIf(
        kv,
        encodeKey(name),
        value,
        revision,
        `saving the checkpoint of "${name}"`,
      );
      if (written !== undefined) return;
    }
    const { position: actual } = await this.read(name);
    throw new CheckpointConflictError(name, expected, actual);
  }

  async delete(name: string): Promise<boolean> {
    assertSubscriptionName(name);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entry = live(await this.#get(name));
      if (entry === undefined) return false;
      if (await this.#buckets.removeRevision('checkpoints', entry.revision)) return true;
    }
    return false;
  }

  /**
   * The checkpoint of `name` and the revision of its key (a transaction
   * checks it, then writes at that revision).
   *
   * @internal
   */
  async read(name: string): Promise<CheckpointRead> {
    const entry = await this.#get(name);
    const value = live(entry);
    return {
      position: value === undefined ? null : toCheckpoint(value).position,
      revision: revisionOf(entry),
    };
  }

  /**
   * Writes `name`'s checkpoint only if its key is still at `revision` (read
   * when the transaction began), else a `CheckpointConflictError` naming the
   * checkpoint found.
   *
   * @internal
   */
  async replace(
    name: string,
    position: Position | null,
    revision: number,
    expected: ExpectedCheckpoint,
  ): Promise<void> {
    const kv = await this.#bucket();
    const written = await writeIf(
      kv,
      encodeKey(name),
      stored(name, position),
      revision,
      `saving the checkpoint of "${name}"`,
    );
    if (written !== undefined) return;
    const { position: actual } = await this.read(name);
    throw new CheckpointConflictError(name, expected, actual);
  }

  async #get(name: string): Promise<KvEntry | null> {
    const kv = await this.#bucket();
    return guard(`loading the checkpoint of "${name}"`, () => kv.get(encodeKey(name)));
  }

  #bucket(): Promise<KV> {
    return this.#buckets.bucket('checkpoints');
  }
}

function stored(name: string, position: Position | null): string {
  const value: StoredCheckpoint = { name, position, updatedAt: Date.now() };
  return JSON.stringify(value);
}

function toCheckpoint(entry: KvEntry): Checkpoint {
  const value = parseEntry(entry, isStoredCheckpoint);
  return {
    name: value.name,
    position: value.position as Position | null,
    updatedAt: new Date(value.updatedAt),
  };
}

function isStoredCheckpoint(value: unknown): value is StoredCheckpoint {
  return hasFields(value, { name: 'string', position: 'string?', updatedAt: 'number' });
}
