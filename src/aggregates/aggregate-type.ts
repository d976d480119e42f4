import { ValidationError } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import type { AggregateRoot } from './aggregate-root.js';
import { assertAggregateType } from './aggregate-stream-id.js';

/**
 * An aggregate class usable by repositories: constructible from an id, with
 * its type (the stream category) and optional snapshot schema version declared
 * as static fields.
 *
 * @example
 * ```ts
 * const kind: AggregateClass<Task> = Task; // class Task { static readonly type = 'Task'; … }
 * ```
 */
export interface AggregateClass<A extends AggregateRoot> {
  new (id: string): A;
  /** The aggregate type: the category of its streams. */
  readonly type: string;
  /** The version of the state's shape for snapshots (default 1). */
  readonly schemaVersion?: number;
}

/**
 * An aggregate kind given as a plain object rather than a class, as
 * {@link fromDecider} returns: its type, snapshot schema version and a factory.
 *
 * @example
 * ```ts
 * const kind: AggregateType<DeciderAggregate<TaskCommand, TaskEvent, TaskState>> =
 *   fromDecider('Task', taskDecider);
 * ```
 */
export interface AggregateType<A extends AggregateRoot> {
  /** The aggregate type: the category of its streams. */
  readonly type: string;
  /** The version of the state's shape for snapshots (default 1). */
  readonly schemaVersion?: number;
  /** Creates a fresh aggregate (version 0) with this id. */
  create(id: string): A;
}

/**
 * What repositories, `AggregateStore.load` and the testing helpers accept: an
 * aggregate class or an {@link AggregateType}.
 *
 * @example
 * ```ts
 * await aggregates.load(Task, '42');                          // a class
 * await aggregates.load(fromDecider('Task', taskDecider), '42'); // a decider
 * ```
 */
export type AggregateKind<A extends AggregateRoot> = AggregateClass<A> | AggregateType<A>;

/**
 * The event union of an aggregate.
 *
 * @example
 * ```ts
 * type E = AggregateEventOf<Task>; // TaskEvent
 * ```
 */
export type AggregateEventOf<A> = A extends { readonly uncommittedEvents: readonly (infer E)[] }
  ? E
  : NewEvent;

/**
 * The state type of an aggregate.
 *
 * @example
 * ```ts
 * type S = AggregateStateOf<Task>; // TaskState
 * ```
 */
export type AggregateStateOf<A> = A extends { readonly state: infer S } ? S : unknown;

/**
 * An {@link AggregateKind}, checked and normalised.
 *
 * @internal
 */
export interface ResolvedKind<A extends AggregateRoot> {
  readonly type: string;
  readonly schemaVersion: number;
  create(id: string): A;
}

/**
 * Checks an aggregate kind and normalises it to a factory.
 *
 * @internal
 */
export function resolveKind<A extends AggregateRoot>(kind: AggregateKind<A>): ResolvedKind<A> {
  if ((typeof kind !== 'function' && typeof kind !== 'object') || kind === null) {
    throw new ValidationError('Invalid aggregate kind: expected an aggregate class or type');
  }
  const type: unknown = kind.type;
  if (type === undefined) {
    const name = typeof kind === 'function' ? kind.name : 'the aggregate type';
    throw new ValidationError(
      `${name} must declare its aggregate type (the stream category): static readonly type = '${name}'`,
    );
  }
  assertAggregateType(type);
  const schemaVersion = kind.schemaVersion ?? 1;
  if (!Number.isSafeInteger(schemaVersion) || schemaVersion < 0) {
    throw new ValidationError(
      `Invalid schemaVersion ${String(schemaVersion)} of ${type}: expected a non-negative integer`,
    );
  }
  const create =
    typeof kind === 'function'
      ? (id: string): A => new kind(id)
      : (id: string): A => kind.create(id);
  return { type, schemaVersion, create };
}
