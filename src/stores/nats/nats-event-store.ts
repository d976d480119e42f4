import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidOptionError } from '../../core/errors.js';
import { resolveEventStoreOptions } from '../../core/store-options.js';
import { EventStoreKernel } from '../kernel/event-store-kernel.js';
import { NatsStreamHandle } from './nats-connection.js';
import { NatsDriver } from './nats-driver.js';
import { natsError } from './nats-errors.js';
import {
  checkNatsOptions,
  DEFAULT_STREAM,
  type NatsEventStoreOptions,
} from './nats-event-store-options.js';
import { NatsIdIndex } from './nats-id-index.js';
import { loadNatsTransport } from './nats-modules.js';
import type { NatsCursor } from './nats-positions.js';
import { setUpStream } from './nats-stream-setup.js';

/**
 * The NATS JetStream event store: each append is one JetStream message on its
 * stream's own subject, checked by JetStream's expected last subject sequence;
 * the global feed is the stream's sequence; event ids are kept in a key-value
 * bucket beside it, so idempotent retries work after any time. Several
 * processes share it, and `onAppended` hears their appends through core NATS.
 *
 * Durability: JetStream file storage before NATS 2.10 acknowledges a message
 * once it is written to the operating system, and syncs to disk at the
 * server's sync interval (2 minutes by default): an acknowledged append can be
 * lost when the machine loses power before that. `appendMany` over several
 * streams is refused (`UnsupportedWriteError`): JetStream has no atomic
 * batch of messages before 2.12.
 *
 * @example
 * ```ts
 * await using store = await NatsEventStore.connect({ servers: 'nats://127.0.0.1:4222', stream: 'orders' });
 * await store.append('Order-1', [OrderPlaced({ total: 42 })], { expectedVersion: 0 });
 * ```
 */
export class NatsEventStore extends EventStoreKernel<NatsCursor> {
  /** The connection the store talks through (yours when you passed one). */
  readonly connection: NatsConnection;
  /** The JetStream stream holding the events. */
  readonly streamName: string;
  readonly #ready: () => Promise<void>;

  /**
   * Creates the store on a connection you own (`connection`; left open on
   * `close()`); the stream is created or checked on first use, or by
   * {@link NatsEventStore.migrate}. To connect by URL use {@link NatsEventStore.connect}.
   */
  constructor(options: NatsEventStoreOptions = {}) {
    const resolved = resolveEventStoreOptions(options);
    checkNatsOptions(options);
    const connection = options.connection;
    if (connection === undefined)
      throw new InvalidOptionError(
        'connection',
        connection,
        'a NatsConnection (or use NatsEventStore.connect({ servers }))',
      );
    const owned = ownedConnections.has(options);
    const name = options.stream ?? DEFAULT_STREAM;
    const handle = new NatsStreamHandle(connection, name, options.timeoutMs ?? 10_000);
    const replicas = options.replicas ?? 1;
    const index = new NatsIdIndex(handle, replicas);
    let setup: Promise<void> | undefined;
    const ready = () => {
      setup ??= setUpStream(handle, index, {
        replicas,
        duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
        allowUnsafeReplicatedConcurrency: options.allowUnsafeReplicatedConcurrency ?? false,
      }).catch((error: unknown) => {
        setup = undefined;
        throw error;
      });
      return setup;
    };
    const driver = new NatsDriver(handle, index, {
      registry: resolved.registry,
      personalData: resolved.personalData,
      ready,
      release: async () => {
        if (owned) await connection.close().catch(() => undefined);
      },
    });
    super(driver, resolved);
    this.connection = connection;
    this.streamName = name;
    this.#ready = ready;
  }

  /**
   * Connects to `servers` (the store owns that connection and closes it on
   * `close()`), or uses your `connection`, and creates or checks the stream
   * now, so a bad address or a stream that cannot hold events fail here.
   *
   * @example
   * ```ts
   * const store = await NatsEventStore.connect({ servers: 'nats://127.0.0.1:4222' });
   * ```
   */
  static async connect(options: NatsEventStoreOptions = {}): Promise<NatsEventStore> {
    checkNatsOptions(options);
    let store: NatsEventStore;
    if (options.connection === undefined) {
      const { connect } = loadNatsTransport();
      let connection: NatsConnection;
      const servers = options.servers ?? 'nats://127.0.0.1:4222';
      try {
        connection = await connect({
          servers: typeof servers === 'string' ? servers : [...servers],
          timeout: options.timeoutMs ?? 10_000,
        });
      } catch (error) {
        throw natsError(`connecting to ${String(servers)}`, error);
      }
      const owned = { ...options, connection };
      ownedConnections.add(owned);
      try {
        store = new NatsEventStore(owned);
      } catch (error) {
        await connection.close();
        throw error;
      }
    } else {
      store = new NatsEventStore(options);
    }
    try {
      await store.migrate();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** Creates the stream and the id bucket, or checks them (done on first use too); safe from several processes at once. */
  migrate(): Promise<void> {
    this.assertOpen();
    return this.#ready();
  }
}

/** The options objects made by `connect`, whose connection the store owns. */
const ownedConnections = new WeakSet<object>();
