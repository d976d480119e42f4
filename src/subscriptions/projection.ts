import { ValidationError } from '../core/errors.js';
import type { NewEvent, Recorded, RecordedEvent } from '../core/events.js';
import { assertSubscriptionName } from '../core/contracts/subscription-name.js';
import type { HandlerResult } from '../core/contracts/synchronous-transaction.js';

/**
 * A projection's handler of one event type: updates the read model through
 * `tx`. It may return a promise, except when `Tx` is `Synchronous` (SQLite's
 * `SqliteTransaction`): then returning one is a compile error.
 */
export type ProjectionHandler<Tx, E extends RecordedEvent = RecordedEvent> = (
  event: E,
  tx: Tx,
) => HandlerResult<Tx>;

/**
 * A projection's batch handler: all the events of a batch that the
 * projection handles, in order, inside the transaction that commits them with
 * the checkpoint (see {@link ProjectionDefinition.batchHandler}).
 *
 * @example
 * ```ts
 * const upsertAll: ProjectionBatchHandler<SqliteTransaction> = (events, db) => {
 *   const upsert = db.prepare('INSERT INTO seen (id) VALUES (?) ON CONFLICT DO NOTHING');
 *   for (const e of events) upsert.run(e.streamId);
 * };
 * ```
 */
export type ProjectionBatchHandler<Tx, E extends RecordedEvent = RecordedEvent> = (
  events: readonly E[],
  tx: Tx,
) => HandlerResult<Tx>;

/** Handlers by event type, typed by the union `E` of the events handled. */
export type ProjectionHandlers<Tx, E extends NewEvent = NewEvent> = {
  readonly [K in E['type']]?: ProjectionHandler<Tx, Recorded<Extract<E, { readonly type: K }>>>;
};

/**
 * A named projection: handlers per event type that maintain a read model, and
 * a `reset` hook that clears it for a rebuild. `Tx` is what the handlers get
 * from the storage: `SqliteTransaction` (the better-sqlite3 `Database`;
 * handlers must be synchronous), a `pg` `PoolClient` inside `BEGIN`
 * (PostgreSQL), or `undefined` (memory).
 */
export interface Projection<Tx = undefined> {
  readonly name: string;
  readonly handlers: Readonly<Record<string, ProjectionHandler<Tx> | undefined>>;
  readonly reset?: ((tx: Tx) => HandlerResult<Tx>) | undefined;
  /** Only events of streams in these categories. */
  readonly categories?: readonly string[] | undefined;
  /** Called once per batch with its events, after the per-event handlers. */
  readonly batchHandler?: ProjectionBatchHandler<Tx> | undefined;
  /** Event types handled by the batch handler only. */
  readonly batchTypes?: readonly string[] | undefined;
}

/** What {@link defineProjection} takes. */
export interface ProjectionDefinition<Tx, E extends NewEvent> {
  /** Its name: its checkpoint, lease and dead letters are kept under it. */
  readonly name: string;
  /**
   * One handler per event type handled; the subscription reads only those
   * types (and `batchTypes`). May be left out with a `batchHandler`.
   */
  readonly handlers?: ProjectionHandlers<Tx, E>;
  /**
   * Called once per batch, after the per-event handlers, with every event of
   * the batch of the projection's types (`handlers`' and `batchTypes`), in
   * the transaction that commits them with the checkpoint: one set-based
   * statement per batch instead of a round trip per event. When it fails for
   * a batch of several events, the batch is split in two and the first half
   * tried alone (a bisection), down to the one failing event, which is then
   * retried, parked or stops the projection as a per-event handler's would;
   * every other event is still committed exactly once. Single events
   * (retries, `replayParked`, a storage without `atomicReadModels`) come as
   * batches of one.
   */
  readonly batchHandler?: ProjectionBatchHandler<Tx, Recorded<E>>;
  /** Event types that only the batch handler handles. */
  readonly batchTypes?: readonly E['type'][];
  /** Clears the read model (for a rebuild), in the rebuild's transaction. */
  readonly reset?: (tx: Tx) => HandlerResult<Tx>;
  /** Only events of streams in these categories. */
  readonly categories?: readonly string[];
}

/**
 * Defines a projection. With the read model in the same SQLite or PostgreSQL
 * database as the events, `startProjection` commits each batch's read-model
 * changes and the checkpoint in one transaction: exactly-once.
 *
 * @example
 * ```ts
 * const taskList = defineProjection<SqliteTransaction, TaskEvent>({
 *   name: 'task-list',
 *   handlers: {
 *     TaskCreated: (e, db) => db.prepare('INSERT INTO tasks (id, title) VALUES (?, ?)').run(e.streamId, e.data.title),
 *     TaskCompleted: (e, db) => db.prepare('UPDATE tasks SET done = 1 WHERE id = ?').run(e.streamId),
 *   },
 *   reset: (db) => db.exec('DELETE FROM tasks'),
 * });
 * ```
 */
export function defineProjection<Tx = undefined, E extends NewEvent = NewEvent>(
  definition: ProjectionDefinition<Tx, E>,
): Projection<Tx> {
  assertSubscriptionName(definition.name);
  const handlers = (definition.handlers ?? {}) as Readonly<
    Record<string, ProjectionHandler<Tx> | undefined>
  >;
  const types = Object.keys(handlers).filter((type) => handlers[type] !== undefined);
  const { batchHandler, batchTypes } = definition;
  if (batchHandler !== undefined && typeof batchHandler !== 'function') {
    throw new ValidationError(
      `Projection "${definition.name}": its batchHandler is not a function`,
    );
  }
  if (
    batchTypes !== undefined &&
    (batchHandler === undefined ||
      !Array.isArray(batchTypes) ||
      !batchTypes.every((type) => typeof type === 'string' && type.length > 0))
  ) {
    throw new ValidationError(
      `Projection "${definition.name}": batchTypes must be event types, beside a batchHandler`,
    );
  }
  if (types.length === 0 && (batchTypes === undefined || batchTypes.length === 0)) {
    throw new ValidationError(`Projection "${definition.name}" has no handlers`);
  }
  for (const type of types) {
    if (typeof handlers[type] !== 'function') {
      throw new ValidationError(
        `Projection "${definition.name}": the handler of ${type} is not a function`,
      );
    }
  }
  return {
    name: definition.name,
    handlers,
    reset: definition.reset,
    categories: definition.categories,
    batchHandler: batchHandler as ProjectionBatchHandler<Tx> | undefined,
    batchTypes,
  };
}

/** The event types a projection handles. */
export function projectionTypes<Tx>(projection: Projection<Tx>): string[] {
  const types = Object.keys(projection.handlers).filter(
    (t) => projection.handlers[t] !== undefined,
  );
  for (const type of projection.batchTypes ?? []) if (!types.includes(type)) types.push(type);
  return types;
}
