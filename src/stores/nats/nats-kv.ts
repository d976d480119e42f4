import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { DatabaseError, InvalidOptionError, ValidationError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import { loadJetStream, loadKv } from './nats-modules.js';

/**
 * Where the NATS stores built on JetStream key-value buckets keep their data:
 * buckets named `<prefix>-<kind>` (`orders-checkpoints`, `orders-snapshots`…),
 * created on first use with file storage.
 *
 * @example
 * ```ts
 * const options: NatsKvOptions = { prefix: 'orders', replicas: 3 };
 * ```
 */
export interface NatsKvOptions {
  /**
   * The first part of every bucket's name: 1 to 64 letters, digits, `_` or
   * `-`. Stores sharing a prefix share their data.
   */
  readonly prefix: string;
  /**
   * The replicas of each bucket created (1, the default, to 5; a bucket that
   * exists keeps its own). With more than one, reads go to the bucket's leader.
   */
  readonly replicas?: number | undefined;
}

/** The kinds of buckets, each its own `<prefix>-<kind>` bucket. */
export type BucketKind =
  'checkpoints' | 'dead-letters' | 'leases' | 'members' | 'snapshots' | 'keys' | 'key-streams';

const PREFIX = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The buckets of one prefix on one connection, each created (or opened) on
 * first use and kept. The connection is the caller's: nothing here closes it.
 *
 * @internal
 */
export class NatsBuckets {
  readonly connection: NatsConnection;
  readonly prefix: string;
  readonly replicas: number;
  readonly #opened = new Map<BucketKind, Promise<KV>>();
  #manager: Promise<JetStreamManager> | undefined;

  /** Checks `connection` and `options`, with `InvalidOptionError`s naming them. */
  constructor(connection: NatsConnection, options: NatsKvOptions) {
    if (!isConnection(connection))
      throw new InvalidOptionError(
        'connection',
        connection,
        'a NatsConnection (connect() of @nats-io/transport-node)',
      );
    if (typeof options !== 'object' || options === null || Array.isArray(options))
      throw new InvalidOptionError('options', options, 'an object with a prefix');
    const { prefix, replicas } = options;
    if (typeof prefix !== 'string' || !PREFIX.test(prefix))
      throw new InvalidOptionError('prefix', prefix, '1 to 64 letters, digits, "_" or "-"');
    checkOption.integer('replicas', replicas, 1, 5);
    this.connection = connection;
    this.prefix = prefix;
    this.replicas = replicas ?? 1;
  }

  /** The bucket's name: `<prefix>-<kind>`. */
  name(kind: BucketKind): string {
    return `${this.prefix}-${kind}`;
  }

  /** The name of the JetStream stream behind the bucket (`KV_<bucket>`). */
  streamName(kind: BucketKind): string {
    return `KV_${this.name(kind)}`;
  }

  /** The NATS subject of `key` in the bucket (for stream-level purges). */
  subject(kind: BucketKind, key: string): string {
    return `$KV.${this.name(kind)}.${key}`;
  }

  /** The bucket of `kind`, created with file storage and one value per key when absent. */
  bucket(kind: BucketKind): Promise<KV> {
    let opened = this.#opened.get(kind);
    if (opened === undefined) {
      const { Kvm } = loadKv();
      opened = guard(`opening the key-value bucket "${this.name(kind)}"`, () =>
        new Kvm(this.connection).create(this.name(kind), {
          history: 1,
          storage: 'file',
          replicas: this.replicas,
          ...(this.replicas > 1 ? { allow_direct: false } : {}),
        }),
      );
      // A failed opening is tried again by the next call.
      opened.catch(() => this.#opened.delete(kind));
      this.#opened.set(kind, opened);
    }
    return opened;
  }

  /** The JetStream manager of the connection (for purges and erasures). */
  manager(): Promise<JetStreamManager> {
    if (this.#manager === undefined) {
      const manager = guard('opening the JetStream manager', () =>
        loadJetStream().jetstreamManager(this.connection),
      );
      manager.catch(() => (this.#manager = undefined));
      this.#manager = manager;
    }
    return this.#manager;
  }

  /**
   * Removes every message of `key` from the bucket's stream (no delete marker
   * is left behind); resolves to how many there were.
   */
  async purgeKey(kind: BucketKind, key: string): Promise<number> {
    return this.purgeSubject(kind, key);
  }

  /** Removes every message whose key matches `filter` (a key with `*` or `>`), without markers. */
  async purgeSubject(kind: BucketKind, filter: string): Promise<number> {
    await this.bucket(kind);
    const manager = await this.manager();
    const response = await guard(`purging "${filter}" in "${this.name(kind)}"`, () =>
      manager.streams.purge(this.streamName(kind), { filter: this.subject(kind, filter) }),
    );
    return response.purged;
  }

  /**
   * Removes the message of revision `revision` from the bucket's stream (no
   * delete marker is left behind), overwriting its bytes on disk first with
   * `erase`; resolves to `false` when there is no such message (the key was
   * written or removed since: with one value per key, an older revision is gone).
   */
  async removeRevision(kind: BucketKind, revision: number, erase = false): Promise<boolean> {
    await this.bucket(kind);
    const manager = await this.manager();
    try {
      return await manager.streams.deleteMessage(this.streamName(kind), revision, erase);
    } catch (error) {
      if (isNoMessage(error)) return false;
      throw toNatsError(error, `removing revision ${revision} from "${this.name(kind)}"`);
    }
  }

  /**
   * The keys of the bucket matching `filter` (a key, or one with `*` or
   * `>`; all when absent) that have a message, read in one request (paged
   * by the client for very many) from the stream's subjects. The stores
   * never leave delete markers, so these are the keys with values (a caller
   * reading them still skips one deleted since).
   */
  async keys(kind: BucketKind, action: string, filter = '>'): Promise<string[]> {
    await this.bucket(kind);
    const manager = await this.manager();
    const info = await guard(action, () =>
      manager.streams.info(this.streamName(kind), { subjects_filter: this.subject(kind, filter) }),
    );
    const skip = this.subject(kind, '').length;
    return Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(skip));
  }

  /** Largest value the server takes, in bytes (its `max_payload` less room for headers). */
  maxValueBytes(): number {
    const max = this.connection.info?.max_payload ?? 1024 * 1024;
    return max - 1024;
  }
}

function isConnection(value: unknown): value is NatsConnection {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { request?: unknown }).request === 'function' &&
    typeof (value as { publish?: unknown }).publish === 'function'
  );
}

/** `text` as a key-value key: base64url of its UTF-8 (any name or id is then a valid key token). */
export function encodeKey(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The text a key of {@link encodeKey} encodes. */
export function decodeKey(key: string): string {
  return Buffer.from(key, 'base64url').toString('utf8');
}

/** The entry when it holds a value; `undefined` when absent, deleted or purged. */
export function live(entry: KvEntry | null): KvEntry | undefined {
  return entry === null || entry.operation !== 'PUT' ? undefined : entry;
}

/** Whether `error` is JetStream's "wrong last sequence": a conditional write lost its race. */
export function isWrongLastSequence(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === 10071 ||
    code === 10164 ||
    (typeof message === 'string' && message.startsWith('wrong last sequence'))
  );
}

/** Whether `error` is JetStream's "no message found" (10037). */
function isNoMessage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 10037 || (typeof message === 'string' && message.includes('no message found'));
}

/** The names nats.js gives errors of the connection rather than of a request. */
const CONNECTION_ERRORS = new Set([
  'ClosedConnectionError',
  'DrainingConnectionError',
  'ConnectionError',
  'TimeoutError',
  'NoRespondersError',
  'RequestError',
  'JetStreamNotEnabled',
]);

/** Whether `error` (or a cause) is one of the connection's errors. */
function isConnectionFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (CONNECTION_ERRORS.has((current as { name?: unknown }).name as string)) return true;
    const { code } = current as { code?: unknown };
    if (code === 503 || code === '503' || code === 408 || code === '408') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A NATS failure of `action` as a `DatabaseError` (`connectionLost` when the
 * connection failed rather than the request). eventfold's own errors and
 * "wrong last sequence" (handled by the callers) pass through unchanged.
 */
export function toNatsError(error: unknown, action: string): unknown {
  if (DatabaseError.is(error) || ValidationError.is(error)) return error;
  if (isWrongLastSequence(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError(`NATS ${action} failed: ${message}`, {
    cause: error,
    connectionLost: isConnectionFailure(error),
  });
}

/** Runs `work`, its NATS failures as {@link toNatsError} turns them. */
export async function guard<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toNatsError(error, action);
  }
}

/** The live entries of `keys` (absent, deleted or purged ones left out), fetched in parallel. */
export function liveEntries(kv: KV, keys: readonly string[], action: string): Promise<KvEntry[]> {
  return guard(action, async () => {
    const entries = await Promise.all(keys.map((key) => kv.get(key)));
    return entries.map(live).filter((entry): entry is KvEntry => entry !== undefined);
  });
}

/**
 * The parsed JSON of an entry when `valid` accepts it, else a `DatabaseError`
 * naming the bucket and key (a value eventfold did not write).
 */
export function parseEntry<T>(entry: KvEntry, valid: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = entry.json<unknown>();
  } catch (cause) {
    throw malformed(entry, cause);
  }
  if (!valid(value)) throw malformed(entry);
  return value;
}

function malformed(entry: KvEntry, cause?: unknown): DatabaseError {
  return new DatabaseError(
    `NATS bucket "${entry.bucket}" holds a value eventfold did not write under key "${entry.key}"`,
    cause === undefined ? {} : { cause },
  );
}

/** Whether `value` is an object whose `fields` have the types named (`'string?'`: a string or null). */
export function hasFields(
  value: unknown,
  fields: Readonly<Record<string, 'string' | 'number' | 'string?' | 'object'>>,
): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(fields).every(([name, type]) => {
    const field = record[name];
    if (type === 'string?') return field === null || typeof field === 'string';
    if (type === 'object') return typeof field === 'object' && field !== null;
    return typeof field === type;
  });
}

/**
 * Writes `value` to `key` only if the key's last revision is `revision`
 * (0: the key has no value: absent, deleted or purged); resolves to the new
 * revision, or `undefined` when another write came first.
 */
export async function writeIf(
  kv: KV,
  key: string,
  value: string | Uint8Array,
  revision: number,
  action: string,
): Promise<number | undefined> {
  try {
    return revision === 0 ? await kv.create(key, value) : await kv.update(key, value, revision);
  } catch (error) {
    if (isWrongLastSequence(error)) return undefined;
    throw toNatsError(error, action);
  }
}

/**
 * The revision a conditional write over what `get` returned expects: the
 * entry's (a value's, or a delete marker's), 0 when the key has no message.
 */
export function revisionOf(entry: KvEntry | null): number {
  return entry?.revision ?? 0;
}

/** Refuses a value larger than the server takes, before sending it. */
export function checkValueSize(buckets: NatsBuckets, bytes: number, what: string): void {
  const max = buckets.maxValueBytes();
  if (bytes > max)
    throw new ValidationError(
      `${what} is ${bytes} bytes: more than the ${max} bytes a NATS message of this server holds`,
    );
}
