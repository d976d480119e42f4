import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidOptionError } from '../../core/errors.js';
import { checkOption } from '../../core/options.js';
import type { EventStoreOptions } from '../../core/store-options.js';

/** The JetStream stream an event store uses when none is named. */
export const DEFAULT_STREAM = 'eventfold';

/**
 * Options of a {@link NatsEventStore}. Give `servers` (the store then owns its
 * connection and closes it on `close()`), or your own `connection` (left open).
 *
 * @example
 * ```ts
 * const store = await NatsEventStore.connect({ servers: 'nats://127.0.0.1:4222', stream: 'orders' });
 * ```
 */
export interface NatsEventStoreOptions extends EventStoreOptions {
  /** One server URL or several (`nats://host:4222`); ignored when `connection` is given. */
  servers?: string | readonly string[] | undefined;
  /** Your own connection; the store uses it and leaves it open on `close()`. */
  connection?: NatsConnection | undefined;
  /**
   * The JetStream stream (default `'eventfold'`): letters, digits, `_` and `-`.
   * It is also the first token of the store's subjects (`<stream>.e.>`) and
   * the prefix of its id bucket (`<stream>_ids`).
   */
  stream?: string | undefined;
  /** Replicas of the stream and its bucket when the store creates them (default 1). */
  replicas?: number | undefined;
  /**
   * Accept `replicas` above 1 on a server before 2.9.21, whose expected-sequence
   * checks are not race-free on replicated streams (concurrent appends can
   * then overwrite each other's expected versions). Default `false`.
   */
  allowUnsafeReplicatedConcurrency?: boolean | undefined;
  /**
   * JetStream's duplicate window of the stream, in milliseconds, when the store
   * creates it (default 120,000): it covers two appends of the same event ids
   * racing; the id index covers every later retry.
   */
  duplicateWindowMs?: number | undefined;
  /** How long each request to the server may wait for its answer, in milliseconds (default 10,000). */
  timeoutMs?: number | undefined;
}

const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws an `InvalidOptionError` unless `name` can name the store's JetStream stream. */
export function assertStreamName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !STREAM_NAME.test(name))
    throw new InvalidOptionError(
      'stream',
      name,
      'a JetStream stream name: 1 to 64 letters, digits, _ or -',
    );
}

/** Checks NATS's own options; throws an `InvalidOptionError` naming the option. */
export function checkNatsOptions(options: NatsEventStoreOptions): void {
  const { servers, connection } = options;
  if (
    servers !== undefined &&
    typeof servers !== 'string' &&
    !(Array.isArray(servers) && servers.every((s) => typeof s === 'string'))
  )
    throw new InvalidOptionError('servers', servers, 'a server URL or a list of them');
  if (
    connection !== undefined &&
    (typeof connection !== 'object' ||
      connection === null ||
      typeof (connection as { subscribe?: unknown }).subscribe !== 'function')
  )
    throw new InvalidOptionError('connection', connection, 'a NatsConnection');
  if (options.stream !== undefined) assertStreamName(options.stream);
  checkOption.integer('replicas', options.replicas, 1, 5);
  checkOption.boolean('allowUnsafeReplicatedConcurrency', options.allowUnsafeReplicatedConcurrency);
  checkOption.milliseconds('duplicateWindowMs', options.duplicateWindowMs, 100);
  checkOption.milliseconds('timeoutMs', options.timeoutMs, 1);
}
