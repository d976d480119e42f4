/** What the store-parameterised subscription cases need of a backend. */
import type { EventStore } from '../../../src/index.js';
import type {
  Projection,
  SubscriptionStorage,
  SubscriptionStorageCapabilities,
} from '../../../src/subscriptions/index.js';

/** A projected row: the last version applied to a stream and how many of its events were applied. */
export interface StreamRow {
  readonly version: number;
  readonly count: number;
}

/** A read model of per-stream rows kept by projections, one table (or map) per projection name. */
export interface ReadModel<Tx> {
  /** A projection applying every event of type `E` (or of `types`) to its own rows. */
  projection(name: string, options?: { types?: readonly string[] }): Promise<Projection<Tx>>;
  /** The rows of a projection's read model. */
  rows(name: string): Promise<Map<string, StreamRow>>;
}

/** One open store with its subscription storage. */
export interface Opened<Tx> {
  readonly store: EventStore;
  readonly storage: SubscriptionStorage<Tx>;
  close(): Promise<void>;
}

/** A fresh store, storage and read model, and ways to play other processes. */
export interface BackendInstance<Tx> extends Opened<Tx> {
  readonly readModel: ReadModel<Tx>;
  /** Another handle on the same data, as another process would open it. */
  openPeer(): Promise<Opened<Tx>>;
  /**
   * Takes `name`'s lease for a holder that then dies without releasing it;
   * the returned function makes it die (a no-op where leases expire by themselves).
   * The holder is `'ghost'` unless given.
   */
  ghostLease(name: string, ttlMs: number, holder?: string): Promise<() => Promise<void>>;
}

/** A backend under test. */
export interface SubscriptionBackend<Tx> {
  readonly label: string;
  /** What its storage declares (a case checks the storage agrees): cases are registered by them. */
  readonly capabilities: SubscriptionStorageCapabilities;
  /** Whether its leases end by expiring (memory, SQLite) rather than with their holder's connection (PostgreSQL). */
  readonly leasesExpire: boolean;
  open(): Promise<BackendInstance<Tx>>;
}
