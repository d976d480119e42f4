import type { Position } from '../position.js';

/**
 * Where a subscription has got to in the global feed: the position of the last
 * event it has handled (or skipped), or `null` when it starts from the
 * beginning (a new or rebuilt subscription).
 *
 * @example
 * ```ts
 * const checkpoint = await storage.checkpoints.load('task-list');
 * // { name: 'task-list', position: '00000000000000000042', updatedAt: Date }
 * ```
 */
export interface Checkpoint {
  /** The subscription's name (for a consumer-group member, the member's name). */
  readonly name: string;
  /** The last position handled, or `null` for "from the start". */
  readonly position: Position | null;
  /** When the checkpoint was last written. */
  readonly updatedAt: Date;
}

/**
 * The checkpoint a conditional write expects to replace: a position, or `null`
 * for "no checkpoint yet, or one at the start" (the two are the same for this purpose).
 */
export type ExpectedCheckpoint = Position | null;

/**
 * Stores subscription checkpoints. Every subscription storage has one (in
 * memory, in the SQLite file, in the PostgreSQL schema); use it directly to
 * inspect or move checkpoints as an operator.
 *
 * @example
 * ```ts
 * for (const c of await storage.checkpoints.list()) console.log(c.name, c.position);
 * await storage.checkpoints.save('emailer', null); // from the start on its next run
 * ```
 */
export interface CheckpointStore {
  /** The checkpoint of `name`, or `undefined` when it has none. */
  load(name: string): Promise<Checkpoint | undefined>;
  /** Every checkpoint, by name. */
  list(): Promise<Checkpoint[]>;
  /**
   * Sets `name`'s checkpoint. With `expected`, only when the stored one equals it,
   * else a `CheckpointConflictError` and nothing is written.
   */
  save(
    name: string,
    position: Position | null,
    options?: { expected?: ExpectedCheckpoint },
  ): Promise<void>;
  /** Deletes `name`'s checkpoint; resolves to whether there was one. */
  delete(name: string): Promise<boolean>;
}
