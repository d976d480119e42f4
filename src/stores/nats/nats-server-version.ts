/**
 * The nats-server versions the NATS backend depends on: parsing the version a
 * server reports (`connection.info.version`, `"2.9.10"`), comparing versions,
 * and the checks of what a server can do safely.
 *
 * @module
 */
import { EventfoldError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import { UnsafeReplicationError } from './nats-errors.js';

/** The codes of the errors about a nats-server's version. */
export type NatsServerVersionErrorCode = 'NATS_SERVER_VERSION';

/**
 * The first nats-server on which optimistic concurrency (the
 * `Nats-Expected-Last-Subject-Sequence` header) is race-free on a replicated
 * stream. Before it, two racing publishes to a stream with more than one
 * replica can both be accepted against the same expected sequence.
 */
export const REPLICATED_STREAM_MIN_VERSION = '2.9.21';
/** The first nats-server with a per-write fsync (`sync_interval: always`). */
export const SYNC_ALWAYS_MIN_VERSION = '2.10.0';
/** The first nats-server with atomic batches of several messages (`Nats-Batch-*` headers). */
export const ATOMIC_BATCH_MIN_VERSION = '2.12.0';

/** A parsed nats-server version. */
export interface NatsServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The pre-release tag (`"beta.5"` in `"2.10.0-beta.5"`), or `undefined` for a release. */
  readonly prerelease: string | undefined;
}

/**
 * A nats-server version string could not be read (not `major.minor.patch`).
 * (A server too old for a replicated stream is an {@link UnsafeReplicationError}.)
 *
 * @example
 * ```ts
 * try { parseNatsServerVersion('two') } catch (e) {
 *   if (NatsServerVersionError.is(e)) console.error(e.serverVersion); // 'two'
 * }
 * ```
 */
export class NatsServerVersionError extends EventfoldError {
  static override readonly code: NatsServerVersionErrorCode = 'NATS_SERVER_VERSION';
  /** The version the server reported. */
  readonly serverVersion: string;
  constructor(serverVersion: string) {
    super(`Cannot read the nats-server version ${JSON.stringify(serverVersion)}`);
    this.serverVersion = serverVersion;
  }
}

const VERSION = /^v?(\d{1,6})\.(\d{1,6})\.(\d{1,6})(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Reads a nats-server version (`"2.9.10"`, `"2.10.0-beta.5"`, `"v2.11.3"`).
 *
 * @throws {@link NatsServerVersionError} when it is not `major.minor.patch`.
 */
export function parseNatsServerVersion(version: string): NatsServerVersion {
  const text: unknown = version;
  const match = typeof text === 'string' ? VERSION.exec(text.trim()) : null;
  if (match === null) throw new NatsServerVersionError(String(text));
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4],
  };
}

/**
 * Compares two versions (strings or parsed): negative when `a` is older, 0
 * when equal, positive when newer. A pre-release comes before its release
 * (`2.10.0-beta.5` < `2.10.0`); two pre-releases compare as semantic versions do.
 */
export function compareNatsServerVersions(
  a: string | NatsServerVersion,
  b: string | NatsServerVersion,
): number {
  const x = typeof a === 'string' ? parseNatsServerVersion(a) : a;
  const y = typeof b === 'string' ? parseNatsServerVersion(b) : b;
  const byNumber = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (byNumber !== 0) return Math.sign(byNumber);
  if (x.prerelease === y.prerelease) return 0;
  if (x.prerelease === undefined) return 1;
  if (y.prerelease === undefined) return -1;
  return comparePrerelease(x.prerelease, y.prerelease);
}

function comparePrerelease(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i];
    const r = right[i];
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const ln = /^\d+$/.test(l) ? Number(l) : undefined;
    const rn = /^\d+$/.test(r) ? Number(r) : undefined;
    if (ln !== undefined && rn !== undefined) {
      if (ln !== rn) return Math.sign(ln - rn);
    } else if (ln !== undefined) return -1;
    else if (rn !== undefined) return 1;
    else if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}

/** True when `version` is `minimum` or later. */
export function natsServerVersionAtLeast(version: string, minimum: string): boolean {
  return compareNatsServerVersions(version, minimum) >= 0;
}

/** Options of {@link checkReplicatedStreamSupport}. */
export interface ReplicatedStreamCheckOptions {
  /**
   * Accept a replicated stream on a server where optimistic concurrency is not
   * race-free (two racing appends to one stream may both succeed). Default `false`.
   */
  readonly allowUnsafe?: boolean;
}

/**
 * Refuses a stream of `replicas` replicas on a server where optimistic
 * concurrency is not race-free on it: before {@link REPLICATED_STREAM_MIN_VERSION},
 * a replicated stream can accept two publishes with the same expected last
 * subject sequence, so two appends at the same expected version may both
 * succeed. A single replica is accepted on every version.
 *
 * @example
 * ```ts
 * checkReplicatedStreamSupport(nc.info!.version, 3); // throws on 2.9.10
 * ```
 * @throws {@link UnsafeReplicationError} when `replicas > 1` on an older server
 * (unless `allowUnsafe`); {@link InvalidOptionError} when `replicas` is not an integer from 1 to 5.
 */
export function checkReplicatedStreamSupport(
  serverVersion: string,
  replicas: number,
  options: ReplicatedStreamCheckOptions = {},
): void {
  checkOption.integer('replicas', replicas, 1, 5);
  checkOption.knownKeys('options', options, ['allowUnsafe']);
  checkOption.boolean('allowUnsafe', options.allowUnsafe);
  const older = !natsServerVersionAtLeast(serverVersion, REPLICATED_STREAM_MIN_VERSION);
  if (replicas > 1 && older && options.allowUnsafe !== true) {
    throw new UnsafeReplicationError(serverVersion, replicas);
  }
}

/** True when the server can fsync every write (`sync_interval: always`, nats-server 2.10 and later). */
export function syncAlwaysAvailable(serverVersion: string): boolean {
  return natsServerVersionAtLeast(serverVersion, SYNC_ALWAYS_MIN_VERSION);
}

/** True when the server stores a batch of several messages atomically (nats-server 2.12 and later). */
export function atomicBatchAvailable(serverVersion: string): boolean {
  return natsServerVersionAtLeast(serverVersion, ATOMIC_BATCH_MIN_VERSION);
}
