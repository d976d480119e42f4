import { StoreClosedError } from '../core/errors.js';
import { assertStreamId } from '../core/stream-id.js';
import {
  prepareSnapshot,
  shouldReplaceSnapshot,
  type PreparedSnapshot,
} from '../core/contracts/prepare-snapshot.js';
import type { NewSnapshot, Snapshot, SnapshotStore } from '../core/contracts/snapshot-store.js';

interface Row extends PreparedSnapshot {
  readonly createdAt: Date;
}

/**
 * A snapshot store in process memory, with the semantics of the table-backed
 * ones: the state is kept as JSON text, so what comes back is a fresh copy
 * and exactly what a database would return.
 *
 * @example
 * ```ts
 * await using snapshots = new InMemorySnapshotStore();
 * const tasks = new AggregateRepository(store, Task, { snapshots: { store: snapshots, policy: 50 } });
 * ```
 */
export class InMemorySnapshotStore implements SnapshotStore {
  readonly #rows = new Map<string, Row>();
  #closed = false;

  /** How many snapshots are stored. */
  get size(): number {
    return this.#rows.size;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async load(streamId: string): Promise<Snapshot | undefined> {
    this.#open();
    assertStreamId(streamId);
    const row = this.#rows.get(streamId);
    if (row === undefined) return undefined;
    return {
      streamId: row.streamId,
      version: row.version,
      schemaVersion: row.schemaVersion,
      state: JSON.parse(row.state) as unknown,
      createdAt: new Date(row.createdAt.getTime()),
    };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async save(snapshot: NewSnapshot): Promise<boolean> {
    this.#open();
    const prepared = prepareSnapshot(snapshot);
    if (!shouldReplaceSnapshot(this.#rows.get(prepared.streamId), prepared)) return false;
    this.#rows.set(prepared.streamId, { ...prepared, createdAt: new Date() });
    return true;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that bad input rejects rather than throws
  async delete(streamId: string): Promise<boolean> {
    this.#open();
    assertStreamId(streamId);
    return this.#rows.delete(streamId);
  }

  /** Stops the store (idempotent) and drops its snapshots: later calls reject with a `StoreClosedError`. */
  close(): Promise<void> {
    this.#closed = true;
    this.#rows.clear();
    return Promise.resolve();
  }

  /** `await using`: the same as {@link InMemorySnapshotStore.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }
}
