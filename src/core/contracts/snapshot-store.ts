/**
 * A snapshot: an aggregate's state at a stream version, so loading can start
 * there and read only the events after it. The state is plain JSON (a
 * table-backed store keeps it in a JSON column); `schemaVersion` is the shape
 * of the state, and a snapshot whose schema version differs from the
 * aggregate's is ignored.
 *
 * @example
 * ```ts
 * const snapshot = await snapshots.load('Task-42');
 * // { streamId: 'Task-42', version: 100, schemaVersion: 1, state: { … }, createdAt: Date }
 * ```
 */
export interface Snapshot<S = unknown> {
  /** The stream the snapshot summarises. */
  readonly streamId: string;
  /** The stream version the state reflects (the last event folded in). */
  readonly version: number;
  /** The version of the state's shape. */
  readonly schemaVersion: number;
  /** The state: JSON-serialisable (dates come back as ISO strings). */
  readonly state: S;
  /** When the snapshot store saved it. */
  readonly createdAt: Date;
}

/**
 * A snapshot to save: everything but `createdAt`, which the store sets.
 *
 * @example
 * ```ts
 * await snapshots.save({ streamId: 'Task-42', version: 100, schemaVersion: 1, state });
 * ```
 */
export type NewSnapshot<S = unknown> = Omit<Snapshot<S>, 'createdAt'>;

/**
 * Where snapshots live: one (the latest) per stream. An implementation keeps
 * `streamId` (key), `version`, `schemaVersion`, the state as JSON and
 * `createdAt`; it checks input with `prepareSnapshot` and decides replacement
 * with `shouldReplaceSnapshot`, and passes the suite `runSnapshotStoreSuite`
 * of `eventfold/testing`. SQL sketch:
 * `INSERT … ON CONFLICT (stream_id) DO UPDATE SET … WHERE snapshots.version <= excluded.version OR snapshots.schema_version <> excluded.schema_version`.
 *
 * Every snapshot store can be closed, and `await using` closes it: after
 * `close()` its calls reject with a `StoreClosedError`. Closing releases what
 * the store owns; the built-in stores own nothing (they use the connection of
 * the event store, or one you gave, and leave it open), while a store that
 * opens its own connection ends it there.
 *
 * @example
 * ```ts
 * await using snapshots: SnapshotStore = new InMemorySnapshotStore();
 * const tasks = new AggregateRepository(store, Task, { snapshots: { store: snapshots, policy: 100 } });
 * ```
 */
export interface SnapshotStore extends AsyncDisposable {
  /** The stream's snapshot, or `undefined`. Each call returns a fresh copy of the state. */
  load(streamId: string): Promise<Snapshot | undefined>;
  /**
   * Saves a snapshot, replacing the stream's, unless the stored one has the same
   * schema version and a higher version (an older snapshot never replaces a
   * newer one). Resolves to whether it was written. Throws a `ValidationError`
   * or `SerializationError` for bad input, before writing anything.
   */
  save(snapshot: NewSnapshot): Promise<boolean>;
  /** Deletes the stream's snapshot; resolves to whether there was one. */
  delete(streamId: string): Promise<boolean>;
  /** Stops the store and releases what it owns (see above). Idempotent. */
  close(): Promise<void>;
  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}
